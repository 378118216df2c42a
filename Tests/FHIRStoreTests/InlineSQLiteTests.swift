import DatabaseTesting
import FHIRJSON
@testable import FHIRStore
import Foundation
import NIOPosix
import SQLKit
import Testing

/// Lookups by key on SQLite run on inline connections (`InlineSQLiteConnection`): statements prepared once and
/// kept, run on the calling thread. A kept statement must never keep an old snapshot, a half-read statement must
/// not hold up the writer, and nothing may be written through them.
@Suite struct InlineSQLiteTests {
    @Test(arguments: TestDatabase.available(.sqlite))
    func keptStatementsSeeEveryCommittedVersion(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let p = try await repo.create(type: "Patient", resource: patient(family: "Inline0")).resource
            for version in 1...5 {
                // The same statements, on the pool's few connections, after each commit.
                #expect(try await repo.read(type: "Patient", id: p.id).versionId == version)
                #expect(try await repo.readText(type: "Patient", id: p.id).content.contains("Inline\(version - 1)"))
                #expect(try await repo.vread(type: "Patient", id: p.id, version: "\(version)").json["name"]?[0]?["family"]?.stringValue == "Inline\(version - 1)")
                guard case .object(var next) = patient(family: "Inline\(version)") else { return }
                next["id"] = .string(p.id)
                _ = try await repo.update(type: "Patient", id: p.id, resource: .object(next))
            }
            _ = try await repo.delete(type: "Patient", id: p.id)
            await #expect(throws: FHIRError.self) { try await repo.read(type: "Patient", id: p.id) }
        }
    }

    @Test(arguments: TestDatabase.available(.sqlite))
    func valuesComeBackAsStored(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let row = try await repo.database.read(keyLookup: true) { sql in
                try await sql.raw("SELECT \(bind: "Ақмола ✓") AS t, \(bind: 42) AS i, \(bind: 2.5) AS f, NULL AS n, x'00ff10' AS b").first()
            }
            let r = try #require(row)
            #expect(try r.decode(column: "t", as: String.self) == "Ақмола ✓")
            #expect(try r.decode(column: "i", as: Int.self) == 42)
            #expect(try r.decode(column: "f", as: Double.self) == 2.5)
            #expect(try r.decodeNil(column: "n"))
            #expect(try r.decode(column: "n", as: String?.self) == nil)
            #expect(try r.decode(column: "b", as: Data.self) == Data([0x00, 0xff, 0x10]))
            #expect(r.allColumns == ["t", "i", "f", "n", "b"])
            #expect(!r.contains(column: "missing"))
            #expect(throws: (any Error).self) { try r.decode(column: "missing", as: String.self) }
        }
    }

    @Test(arguments: TestDatabase.available(.sqlite))
    func nothingIsWrittenThroughThem(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            await #expect(throws: (any Error).self) {
                try await repo.database.read(keyLookup: true) { sql in
                    try await sql.raw("DELETE FROM resources").run()
                }
            }
            let p = try await repo.create(type: "Patient", resource: patient(family: "Kept")).resource
            await #expect(throws: (any Error).self) {
                try await repo.database.read(keyLookup: true) { sql in
                    try await sql.raw("UPDATE resources SET deleted = 1 WHERE res_id = \(bind: p.id)").run()
                }
            }
            #expect(try await repo.read(type: "Patient", id: p.id).deleted == false)
        }
    }

    /// A reader that stops in the middle of its rows (an error in the row handler) must not keep its snapshot:
    /// the WAL could then never be checkpointed past it.
    @Test(arguments: TestDatabase.available(.sqlite))
    func aStatementLeftMidwayDoesNotHoldTheWAL(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            guard case .sqlite(let path) = repo.database.configuration else { return }
            _ = try await repo.transaction { tx in
                try await tx.write((0..<20).map { .init("Patient", patient(family: "Walker\($0)")) })
            }
            struct Stop: Error {}
            let connection = try InlineSQLiteConnection(path: path, eventLoop: MultiThreadedEventLoopGroup.singleton.any())
            defer { _ = connection.close() }
            #expect(throws: Stop.self) {
                try connection.query("SELECT res_id FROM resources WHERE res_type = ?", [.text("Patient")]) { _ in throw Stop() }
            }
            _ = try await repo.create(type: "Patient", resource: patient(family: "After"))
            let busy = try await repo.database.read { sql in
                try await sql.raw("PRAGMA wal_checkpoint(TRUNCATE)").first()?.decode(column: "busy", as: Int.self)
            }
            #expect(busy == 0, "a reader still holds a snapshot")
            // The kept statement runs again from its first row.
            var rows = 0
            try connection.query("SELECT res_id FROM resources WHERE res_type = ?", [.text("Patient")]) { _ in rows += 1 }
            #expect(rows == 21)
        }
    }
}
