import FHIRStore
import Foundation
import Logging
import SQLKit
import Testing

/// The databases every store test runs on: SQLite always, PostgreSQL when `DENSAULUQ_TEST_POSTGRES_URL` is set
/// (`scripts/test` starts a throwaway cluster and sets it; in CI its absence is a failure, not a skip).
public enum TestDatabase: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    /// Set and not empty (`DENSAULUQ_TEST_POSTGRES_URL= swift test` runs on SQLite only).
    public static var postgresURL: String? { ProcessInfo.processInfo.environment["DENSAULUQ_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    public static var available: [TestDatabase] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    /// `kind` when it is available: for tests of one database's own machinery.
    public static func available(_ kind: TestDatabase) -> [TestDatabase] { available.filter { $0 == kind } }

    public var testDescription: String { rawValue }

    /// A fresh, migrated, empty database for one test.
    public func makeRepository() async throws -> (Repository, @Sendable () async -> Void) {
        var log = Logger(label: "test")
        log.logLevel = .warning
        let logger = log
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("densauluq-test-\(UUID().uuidString).sqlite").path
            let db = try Database(.sqlite(path: path), logger: logger)
            try await Migrations.run(on: db)
            return (Repository(database: db, logger: logger), {
                await db.shutdown()
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            })
        case .postgres:
            guard let url = Self.postgresURL else { throw TestSetupError("DENSAULUQ_TEST_POSTGRES_URL is not set") }
            let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            let admin = try Database(.postgres(url: url), logger: logger, maxConnections: 1)
            try await admin.read { db in try await db.raw("CREATE DATABASE \(ident: String(name))").run() }
            await admin.shutdown()
            guard var components = URLComponents(string: url) else { throw TestSetupError("bad URL") }
            components.path = "/" + name
            let db = try Database(.postgres(url: components.string ?? url), logger: logger, maxConnections: 8)
            try await Migrations.run(on: db)
            return (Repository(database: db, logger: logger), {
                await db.shutdown()
                if let admin = try? Database(.postgres(url: url), logger: logger, maxConnections: 1) {
                    try? await admin.read { db in try await db.raw("DROP DATABASE IF EXISTS \(ident: String(name))").run() }
                    await admin.shutdown()
                }
            })
        }
    }

    public func withRepository(_ body: (Repository) async throws -> Void) async throws {
        let (repo, cleanup) = try await makeRepository()
        do { try await body(repo) } catch { await cleanup(); throw error }
        await cleanup()
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

