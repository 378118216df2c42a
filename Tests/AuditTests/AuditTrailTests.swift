@testable import Audit
import DatabaseTesting
import FHIRStore
import SQLKit
import Testing

/// The audit chain records entries in order and `verify` finds a changed or removed row, on both databases.
@Suite struct AuditTrailTests {
    static func entry(_ i: Int, patient: String = "p1") -> AuditEntry {
        AuditEntry(recorded: "2026-11-25T10:00:\(String(format: "%02d", i % 60)).000Z", actor: "acc-\(i % 3)", role: "clinician",
                   organization: "org-1", patient: patient, action: i.isMultiple(of: 2) ? "read" : "search",
                   target: "Observation/o\(i)", outcome: 200, source: "10.0.0.\(i % 255)")
    }

    /// The chain is SHA-256 over the previous hash, U+001E and the unit-separated fields, in lower-case hex; the
    /// expected values come from Python's hashlib, so a chain written before any rewrite of the hashing still verifies.
    @Test func chainHashesAreSHA256OfTheDocumentedText() {
        let first = AuditEntry(recorded: "2026-12-04T05:00:00.000Z", actor: "acct-7", role: "clinician", organization: "org-1",
                               patient: "pat-9", action: "read", target: "Patient/pat-9", outcome: 200, source: "127.0.0.1")
        let second = AuditEntry(recorded: "2026-12-04T05:00:01.000Z", actor: "Қ-врач", role: "clinician", action: "search",
                                target: "Observation?subject=Patient/ä", outcome: 403, purpose: "экстренный случай")
        let h1 = AuditChain.hash(previous: AuditChain.genesis, entry: first)
        #expect(h1 == "8383e4336504331d0902c6dcdced23dc5335ff8a2ec36f2d4c230e9c3ee8813a")
        #expect(AuditChain.hash(previous: h1, entry: second) == "b207898c9cf800588e6c50281a7e67fd27612c8781cbaca5590238e3256b14f0")
    }

    @Test(arguments: TestDatabase.available)
    func anIntactChainVerifiesAndBuffersAreFlushed(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let log = AuditLog(database: repo.database, batchSize: 50, flushInterval: .milliseconds(20))
            for i in 0..<120 { log.record(Self.entry(i, patient: i.isMultiple(of: 4) ? "p2" : "p1")) }
            try await log.shutdown()
            let report = try await AuditVerifier.verify(repo.database, pageSize: 7)   // several pages
            #expect(report.rows == 120 && report.broken == nil && report.head.count == 64)
            // A second writer continues the same chain.
            let other = AuditLog(database: repo.database)
            other.record(Self.entry(500))
            try await other.shutdown()
            #expect(try await AuditVerifier.verify(repo.database).rows == 121)
            // What a citizen sees: entries about their record only, newest first.
            let mine = try await log.entries(patient: "p2", limit: 1000)
            #expect(mine.count == 30 && mine.allSatisfy { $0.patient == "p2" } && mine.first?.target == "Observation/o116")
        }
    }

    @Test(arguments: TestDatabase.available)
    func entriesFromManyRequestsAtOnceAllReachTheChain(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            // Many tasks record while full batches are being written.
            let log = AuditLog(database: repo.database, batchSize: 16, flushInterval: .milliseconds(5))
            await withTaskGroup(of: Void.self) { group in
                for t in 0..<8 {
                    group.addTask { for i in 0..<100 { log.record(Self.entry(t * 1000 + i)) } }
                }
            }
            try await log.shutdown()
            let report = try await AuditVerifier.verify(repo.database)
            #expect(report.rows == 800 && report.broken == nil)
            // Fewer entries than a batch are written by the timer, without a flush.
            let quiet = AuditLog(database: repo.database, batchSize: 1000, flushInterval: .milliseconds(20))
            quiet.record(Self.entry(9999))
            var rows = 0
            for _ in 0..<250 where rows < 801 {
                try await Task.sleep(for: .milliseconds(20))
                rows = try await AuditVerifier.verify(repo.database).rows
            }
            #expect(rows == 801)
            try await quiet.shutdown()
        }
    }

    @Test(arguments: TestDatabase.available)
    func theDatabaseRefusesToChangeOrRemoveAuditRows(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await Self.writeTen(repo)
            for statement in ["UPDATE audit_log SET actor = 'someone-else'", "DELETE FROM audit_log"] {
                await #expect(throws: (any Error).self) {
                    try await repo.database.read { db in try await db.raw(SQLQueryString(statement)).run() }
                }
            }
            #expect(try await AuditVerifier.verify(repo.database).rows == 10)
        }
    }

    /// What someone who can drop the guard (the database owner) could do.
    static func dropGuard(_ repo: Repository) async throws {
        for statement in Migrations.dropAuditGuard(repo.database.kind) {
            try await repo.database.read { db in try await db.raw(SQLQueryString(statement)).run() }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aChangedRowIsFound(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await Self.writeTen(repo)
            try await Self.dropGuard(repo)
            let fifth = try await Self.seq(repo, offset: 4)
            try await repo.database.read { db in
                try await db.raw("UPDATE audit_log SET actor = 'someone-else' WHERE seq = \(bind: fifth)").run()
            }
            let report = try await AuditVerifier.verify(repo.database)
            #expect(report.broken?.seq == fifth && report.broken?.reason.contains("changed") == true && report.rows == 4)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRemovedRowIsFound(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await Self.writeTen(repo)
            let third = try await Self.seq(repo, offset: 2)
            let fourth = try await Self.seq(repo, offset: 3)
            try await Self.dropGuard(repo)
            try await repo.database.read { db in try await db.raw("DELETE FROM audit_log WHERE seq = \(bind: third)").run() }
            let report = try await AuditVerifier.verify(repo.database)
            #expect(report.broken?.seq == fourth && report.broken?.reason.contains("removed") == true)
        }
    }

    /// Ten chained entries, written.
    static func writeTen(_ repo: Repository) async throws {
        let log = AuditLog(database: repo.database)
        for i in 0..<10 { log.record(entry(i)) }
        try await log.shutdown()
    }

    static func seq(_ repo: Repository, offset: Int) async throws -> Int64 {
        try await repo.database.read { db in
            let rows = try await db.raw("SELECT seq FROM audit_log ORDER BY seq LIMIT 1 OFFSET \(literal: offset)").all()
            guard let row = rows.first else { throw TestSetupError("no audit row at offset \(offset)") }
            return try row.decode(column: "seq", as: Int64.self)
        }
    }
}
