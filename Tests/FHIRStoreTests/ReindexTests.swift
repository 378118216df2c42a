import DatabaseTesting
import FHIRJSON
@testable import FHIRStore
import SQLKit
import Foundation
import Testing

/// `densauluq reindex`: the search index rebuilt from the stored resources.
@Suite struct ReindexTests {
    func indexRows(_ repo: Repository) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for table in Migrations.indexTables {
            out[table] = try await repo.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM \(ident: table)").all().first?.decode(column: "n", as: Int.self) ?? 0
            }
        }
        return out
    }

    @Test(arguments: TestDatabase.available)
    func reindexRestoresWhatIsMissingAndChangesNothingElse(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let loaded = try await SearchTests.load(repo)
            _ = try await repo.delete(type: "Observation", id: loaded["obs3"] ?? "")
            let before = try await indexRows(repo)
            // Run on an intact index, it writes the same rows again.
            let resources = try await repo.reindex(batchSize: 2)
            #expect(resources == 7)   // 3 patients and 4 observations: the deleted one has no index
            #expect(try await indexRows(repo) == before)
            // Rows lost (as when an older version did not write them) come back, and searches find them again.
            try await repo.database.transaction { db in try await db.raw("DELETE FROM sp_token WHERE param = 'code'").run() }
            #expect(ids(try await search(repo, "Observation", "code=8867-4")).isEmpty)
            let progress = Reports()
            _ = try await repo.reindex(batchSize: 3) { done, total in progress.add(done, total) }
            let reports = progress.all
            #expect(reports.map(\.0) == [3, 6, 7] && reports.allSatisfy { $0.1 == 7 })
            #expect(try await indexRows(repo) == before)
            #expect(Set(ids(try await search(repo, "Observation", "code=8867-4"))) == Set([loaded["obs0"], loaded["obs1"], loaded["obs2"]].compactMap { $0 }))
        }
    }
}

/// Progress reports collected from a `@Sendable` callback.
final class Reports: @unchecked Sendable {
    private var reports: [(Int, Int)] = []
    private let lock = NSLock()
    func add(_ done: Int, _ total: Int) { lock.lock(); reports.append((done, total)); lock.unlock() }
    var all: [(Int, Int)] { lock.lock(); defer { lock.unlock() }; return reports }
}
