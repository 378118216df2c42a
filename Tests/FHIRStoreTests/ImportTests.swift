import DatabaseTesting
import FHIRJSON
import FHIRStore
import Foundation
import Testing

/// `Importer.loadAll`, what `densauluq import` runs: files in any order, files loaded before, failures.
@Suite struct ImportTests {
    /// A fresh folder with the given files (name → content).
    static func folder(_ files: [String: String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("densauluq-import-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, content) in files { try Data(content.utf8).write(to: URL(fileURLWithPath: dir + "/" + name)) }
        return dir
    }

    /// Loads the folder's files in path order; returns each outcome in the order reported.
    static func load(_ repo: Repository, _ dir: String, batchSize: Int = 500) async throws -> [(file: String, outcome: Importer.FileOutcome)] {
        var outcomes: [(String, Importer.FileOutcome)] = []
        await Importer(repository: repo, batchSize: batchSize).loadAll(try ImportFiles.collect([dir])) { file, outcome in
            outcomes.append(((file as NSString).lastPathComponent, outcome))
        }
        return outcomes
    }

    static let patients = """
        {"resourceType":"Patient","id":"p1","name":[{"family":"Abenova"}],"gender":"female","birthDate":"1980-02-03"}
        {"resourceType":"Patient","id":"p2","name":[{"family":"Serikov"}],"gender":"male","birthDate":"1975-06-07"}
        """
    static let encounters = """
        {"resourceType":"Encounter","id":"e1","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/p1"}}
        """
    static let conditions = """
        {"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p1"},"encounter":{"reference":"Encounter/e1"},"code":{"text":"J06.9"}}
        """

    @Test(arguments: TestDatabase.available)
    func aBulkExportLoadsWhateverOrderItsFilesAreIn(_ db: TestDatabase) async throws {
        // One NDJSON file per type, as FHIR Bulk Data exports are: in path order the conditions come first and
        // point at encounters and patients that are not there yet.
        let dir = try Self.folder(["Condition.ndjson": Self.conditions, "Encounter.ndjson": Self.encounters, "Patient.ndjson": Self.patients])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await db.withRepository { repo in
            let outcomes = try await Self.load(repo, dir)
            #expect(outcomes.map(\.file) == ["Patient.ndjson", "Encounter.ndjson", "Condition.ndjson"])
            for (file, outcome) in outcomes {
                guard case .loaded = outcome else { Issue.record("\(file): \(outcome)"); continue }
            }
            let condition = try await repo.read(type: "Condition", id: "c1")
            #expect(condition.json["encounter"]?["reference"]?.stringValue == "Encounter/e1")
            #expect(try await search(repo, "Condition", "subject=Patient/p1")["total"]?.numberLiteral == "1")
            // Again: every file is recognised and nothing is written twice.
            let again = try await Self.load(repo, dir)
            #expect(again.count == 3 && again.allSatisfy { if case .alreadyLoaded = $0.outcome { true } else { false } })
            #expect(try await repo.read(type: "Patient", id: "p1").versionId == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func filesThatPointAtEachOtherFailAndLeaveNothingBehind(_ db: TestDatabase) async throws {
        let dir = try Self.folder([
            "Condition.ndjson": #"{"resourceType":"Condition","id":"c9","subject":{"reference":"Patient/p1"},"encounter":{"reference":"Encounter/e9"},"code":{"text":"I10"}}"#,
            "Encounter.ndjson": #"{"resourceType":"Encounter","id":"e9","status":"finished","class":{"code":"AMB"},"subject":{"reference":"Patient/p1"},"reasonReference":[{"reference":"Condition/c9"}]}"#,
            "Patient.ndjson": Self.patients,
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await db.withRepository { repo in
            let outcomes = try await Self.load(repo, dir)
            #expect(outcomes.count == 3, "each file is reported once")
            var failed: [String: FHIRError] = [:]
            for (file, outcome) in outcomes { if case .failed(let e) = outcome { failed[file] = e } }
            #expect(Set(failed.keys) == ["Condition.ndjson", "Encounter.ndjson"])
            #expect(failed["Condition.ndjson"]?.issues.first?.diagnostics.contains("Encounter/e9") == true)
            #expect(failed["Encounter.ndjson"]?.issues.first?.expression == "Encounter.reasonReference[0].reference")
            #expect(failed["Encounter.ndjson"]?.issues.first?.diagnostics.hasPrefix("Encounter.ndjson line 1: ") == true)
            for (type, id) in [("Condition", "c9"), ("Encounter", "e9")] {
                await #expect(throws: FHIRError.self) { _ = try await repo.read(type: type, id: id) }
            }
            #expect(try await repo.read(type: "Patient", id: "p2").versionId == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anInvalidFileIsReportedOnceAndTheRestLoad(_ db: TestDatabase) async throws {
        let dir = try Self.folder([
            "a-bad.ndjson": #"{"resourceType":"Patient","id":"bad1","gender":"sometimes"}"#,
            "b-good.ndjson": Self.patients,
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await db.withRepository { repo in
            let outcomes = try await Self.load(repo, dir)
            #expect(outcomes.map(\.file) == ["a-bad.ndjson", "b-good.ndjson"])
            guard case .failed(let error) = outcomes.first?.outcome else { Issue.record("the bad file loaded"); return }
            #expect(!error.isMissingReferences)
            // Placed in the file: the line, and the element as a FHIRPath on the resource, not on the batch.
            #expect(error.issues.contains { $0.expression == "Patient.gender" && $0.diagnostics.hasPrefix("a-bad.ndjson line 1: ") })
            await #expect(throws: FHIRError.self) { _ = try await repo.read(type: "Patient", id: "bad1") }
        }
    }

    @Test(arguments: TestDatabase.available)
    func anInterruptedFileIsLoadedAgainWithoutDuplicates(_ db: TestDatabase) async throws {
        // Five patients in batches of two; the fifth is wrong, so two batches are in and the file is not done.
        let lines = (1...5).map { i in
            #"{"resourceType":"Patient","id":"n\#(i)","name":[{"family":"Nurly\#(i)"}],"gender":"\#(i == 5 ? "unknown-ish" : "male")"}"#
        }
        let dir = try Self.folder(["people.ndjson": lines.joined(separator: "\n")])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await db.withRepository { repo in
            let first = try await Self.load(repo, dir, batchSize: 2)
            guard case .failed(let error) = first.first?.outcome else { Issue.record("the file loaded with a bad line"); return }
            #expect(error.issues.first?.diagnostics.hasPrefix("people.ndjson line 5: ") == true)
            #expect(try await repo.read(type: "Patient", id: "n4").versionId == 1)
            // The file is corrected and loaded again: the first four are the same content, so no new versions.
            var fixed = lines
            fixed[4] = fixed[4].replacingOccurrences(of: "unknown-ish", with: "unknown")
            try Data(fixed.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: dir + "/people.ndjson"))
            let second = try await Self.load(repo, dir, batchSize: 2)
            guard case .loaded = second.first?.outcome else { Issue.record("\(second)"); return }
            #expect(try await repo.read(type: "Patient", id: "n1").versionId == 1)
            #expect(try await repo.read(type: "Patient", id: "n5").json["gender"]?.stringValue == "unknown")
            #expect(try await search(repo, "Patient", "family=Nurly&_summary=count")["total"]?.numberLiteral == "5")
        }
    }

    @Test(arguments: TestDatabase.available)
    func largeNDJSONIsStreamedInBatches(_ db: TestDatabase) async throws {
        // 1,203 resources in batches of 100, with CRLF line ends, a blank line and no newline at the end.
        var lines = (1...1_203).map { i in #"{"resourceType":"Patient","id":"s\#(i)","name":[{"family":"Stream"}],"gender":"female"}"# }
        lines.insert("", at: 600)
        let dir = try Self.folder(["many.ndjson": lines.joined(separator: "\r\n")])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await db.withRepository { repo in
            let outcomes = try await Self.load(repo, dir, batchSize: 100)
            guard case .loaded(let n) = outcomes.first?.outcome else { Issue.record("\(outcomes)"); return }
            #expect(n == 1_203)
            #expect(try await search(repo, "Patient", "family=Stream&_summary=count")["total"]?.numberLiteral == "1203")
            #expect(try await repo.read(type: "Patient", id: "s1203").versionId == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func compressedNDJSONLoadsAndABrokenArchiveIsReported(_ db: TestDatabase) async throws {
        let dir = try Self.folder(["Patient.ndjson": Self.patients, "broken.ndjson.bz2": "BZh9 this is not bzip2"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bzip2 = Process()
        bzip2.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        bzip2.arguments = ["bzip2", dir + "/Patient.ndjson"]   // leaves Patient.ndjson.bz2 only
        try bzip2.run()
        bzip2.waitUntilExit()
        try #require(bzip2.terminationStatus == 0)
        try await db.withRepository { repo in
            let outcomes = try await Self.load(repo, dir)
            #expect(outcomes.count == 2)
            for (file, outcome) in outcomes {
                switch (file, outcome) {
                case ("Patient.ndjson.bz2", .loaded(let n)): #expect(n == 2)
                case ("broken.ndjson.bz2", .failed(let e)): #expect(e.summary().contains("not a valid bzip2 file"))
                default: Issue.record("\(file): \(outcome)")
                }
            }
            #expect(try await repo.read(type: "Patient", id: "p2").json["gender"]?.stringValue == "male")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aLineThatIsNotJSONIsNamedByItsNumber(_ db: TestDatabase) async throws {
        let lines = Self.patients + "\n{\"resourceType\": \"Patient\", \"id\": \n"
        let dir = try Self.folder(["people.ndjson": lines])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await db.withRepository { repo in
            let outcomes = try await Self.load(repo, dir)
            guard case .failed(let error) = outcomes.first?.outcome else { Issue.record("\(outcomes)"); return }
            #expect(error.status == 400)
            #expect(error.summary().contains("people.ndjson line 3"))
        }
    }
}
