import AsyncKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLiteKit
import SQLKit

/// The SQL dialect family, for the few statements that differ.
public enum DatabaseKind: String, Sendable { case sqlite, postgres }

/// One SQL layer for SQLite and PostgreSQL: hands out a connection (as an `SQLDatabase`) for reads and
/// runs writes as transactions on one connection.
public final class Database: Sendable {
    public let kind: DatabaseKind
    public let configuration: DatabaseConfiguration
    let logger: Logger
    /// Runs a body on a pooled connection; the flag: its statements are lookups by key (`read(keyLookup:)`).
    private let withConn: @Sendable (Bool, @Sendable (any SQLDatabase) async throws -> any Sendable) async throws -> any Sendable
    private let shutdownPool: @Sendable () async -> Void
    /// SQLite allows one writer; serialising writers in-process avoids busy errors and retries.
    private let writeLock = AsyncLock()

    /// Connections to PostgreSQL when none are asked for: four per core, 8 to 32. Each connection is a server
    /// process; with more busy processes than cores they only take turns, and the tail latency grows (on 2 cores,
    /// Observation by subject and code under 32 clients: p99 97–107 ms with 16 connections, 66 ms with 8, at the
    /// same throughput).
    public static let defaultPostgresConnections = min(32, max(8, 4 * ProcessInfo.processInfo.activeProcessorCount))

    public init(_ configuration: DatabaseConfiguration, logger: Logger = Logger(label: "densauluq.db"), maxConnections: Int? = nil) throws {
        self.configuration = configuration
        self.logger = logger
        let group = MultiThreadedEventLoopGroup.singleton
        switch configuration {
        case .sqlite(let path):
            kind = .sqlite
            let source = SQLiteConnectionSource(configuration: .init(storage: .file(path: path), enableForeignKeys: false))
            let pool = ConnectionPool(source: source, endpoint: configuration.description, maxConnections: maxConnections ?? 4, logger: logger, eventLoopGroup: group) { conn in
                for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=30000",
                               "PRAGMA cache_size=-65536", "PRAGMA temp_store=MEMORY"] {
                    _ = try await conn.query(pragma).get()
                }
            }
            let inline = ConnectionPool(source: InlineSQLiteSource(path: path), endpoint: configuration.description, maxConnections: maxConnections ?? 4, logger: logger,
                                        eventLoopGroup: group) { _ in }
            withConn = { keyLookup, body in
                if keyLookup {
                    return try await inline.withConnection { conn in try await body(InlineSQLiteSession(connection: conn, logger: logger)) }
                }
                return try await pool.withConnection { conn in
                    try await body(SQLiteSession(base: conn.sql(queryLogLevel: .trace), connection: conn))
                }
            }
            shutdownPool = { await inline.shutdown(); await pool.shutdown() }
        case .postgres(let url):
            kind = .postgres
            var config = try PostgresURL.configuration(url)
            config.coreConfiguration.options.connectTimeout = .seconds(10)
            let source = PostgresConnectionSource(sqlConfiguration: config)
            let pool = ConnectionPool(source: source, endpoint: configuration.description, maxConnections: maxConnections ?? Self.defaultPostgresConnections, logger: logger, eventLoopGroup: group) { conn in
                _ = try await conn.query("SET client_min_messages TO WARNING", logger: logger)
            }
            withConn = { keyLookup, body in
                try await pool.withConnection { conn in
                    try await body(PostgresSession(base: conn.sql(queryLogLevel: .trace), connection: conn, prepared: keyLookup))
                }
            }
            shutdownPool = { await pool.shutdown() }
        }
    }

    /// Runs `body` on one pooled connection, outside any transaction.
    ///
    /// `keyLookup`: the statements are lookups by primary or unique key, whose cost the index bounds and whose best
    /// plan does not depend on the values. On PostgreSQL they run as named prepared statements, which PostgreSQL
    /// plans once for any values after a few runs; a search is not one: with generic estimates PostgreSQL joins two
    /// criteria by a nested loop over both indexes (an Observation search by subject and code took 63 ms instead of
    /// 1 ms). On SQLite they run on the calling thread with statements prepared once (`InlineSQLiteConnection`)
    /// instead of on SQLiteNIO's thread pool.
    public func read<T: Sendable>(keyLookup: Bool = false, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await session(keyLookup: keyLookup, body)
    }

    private func session<T: Sendable>(keyLookup: Bool, _ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let r = try await withConn(keyLookup) { db in try await body(db) }
        guard let t = r as? T else { preconditionFailure("connection result type mismatch") }
        return t
    }

    /// Runs `body` in one transaction: all of it is committed or none of it.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let run: @Sendable () async throws -> T = {
            try await self.session(keyLookup: false) { db in
                try await db.raw(self.kind == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
                do {
                    let result = try await body(db)
                    try await db.raw("COMMIT").run()
                    return result
                } catch {
                    try? await db.raw("ROLLBACK").run()
                    throw error
                }
            }
        }
        if kind == .sqlite { return try await writeLock.withLock(run) }
        return try await run()
    }

    /// Refreshes the query planner's table statistics (after a bulk load, so that the first searches are planned well).
    public func analyze() async throws {
        try await read { db in try await db.raw("ANALYZE").run() }
    }

    public func shutdown() async { await shutdownPool() }
}

/// A FIFO async mutex.
actor AsyncLock {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        if !locked { locked = true; return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty { locked = false } else { waiters.removeFirst().resume() }
    }

    nonisolated func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await lock()
        do {
            let r = try await body()
            await unlock()
            return r
        } catch {
            await unlock()
            throw error
        }
    }
}
