import DatabaseTesting
import FHIRJSON
@testable import FHIRStore
import Foundation
import Testing

/// Bulk Data export: jobs, their files, and a round trip through `densauluq import`'s importer.
@Suite struct BulkExportTests {
    /// Starts an export and waits for it; the manifest.
    static func run(_ export: BulkExport, _ level: BulkExport.Level, _ parameters: [(String, String)], owner: String = "tester") async throws -> (String, JSON) {
        let request = try export.request(level: level, parameters: parameters, owner: owner, url: "\(base)/$export")
        let id = try await export.start(request)
        for _ in 0..<400 {
            switch try await export.status(id, owner: owner, baseURL: base) {
            case .complete(let manifest): return (id, manifest)
            case .failed(let message): throw TestSetupError("export failed: \(message)")
            case .running: try await Task.sleep(for: .milliseconds(25))
            }
        }
        throw TestSetupError("export did not finish")
    }

    /// Each file of a manifest as the resources in it, by type.
    static func files(_ export: BulkExport, _ id: String, _ manifest: JSON, owner: String = "tester") async throws -> [String: [JSON]] {
        var out: [String: [JSON]] = [:]
        for file in manifest["output"]?.arrayValue ?? [] {
            let type = try #require(file["type"]?.stringValue)
            var text = ""
            for try await part in try await export.parts(id, owner: owner, type: type) { text += part }
            #expect(text.hasSuffix("\n"))
            out[type] = try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
            #expect(file["count"]?.intValue == out[type]?.count)
            #expect(file["url"]?.stringValue == "\(base)/_export/\(id)/\(type).ndjson")
        }
        return out
    }

    @Test(arguments: TestDatabase.available)
    func anExportHoldsWhatASearchFindsAndLoadsBack(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await PatientRecordTests.load(repo)
            let export = BulkExport(repository: repo)
            let (id, manifest) = try await Self.run(export, .system, [])
            #expect(manifest["transactionTime"]?.stringValue != nil)
            let files = try await Self.files(export, id, manifest)
            #expect(Set(files.keys) == ["Organization", "Practitioner", "Patient", "Encounter", "Observation", "Condition"])
            for (type, resources) in files {
                let found = try await repo.search(type: type, parameters: [("_count", "1000")], baseURL: base)
                #expect(Set(resources.compactMap { $0["id"]?.stringValue }) == Set(ids(found)), "\(type)")
            }
            // Patient level: only the compartment's types.
            let (pid, patients) = try await Self.run(export, .patient, [])
            #expect(Set(try await Self.files(export, pid, patients).keys) == ["Patient", "Encounter", "Observation", "Condition"])
            // _type and _since narrow it.
            let (tid, typed) = try await Self.run(export, .system, [("_type", "Observation"), ("_outputFormat", "application/fhir+ndjson")])
            #expect(try await Self.files(export, tid, typed)["Observation"]?.count == 4)
            // _typeFilter: the Observations its search finds; the other types whole.
            let (fid, filtered) = try await Self.run(export, .patient, [("_typeFilter", "Observation?code=http://loinc.org|8867-4")])
            let filteredFiles = try await Self.files(export, fid, filtered)
            #expect(filteredFiles["Observation"]?.count == 3)
            #expect(filteredFiles["Observation"]?.allSatisfy { $0["code"]?["coding"]?[0]?["code"]?.stringValue == "8867-4" } == true)
            #expect(filteredFiles["Patient"]?.count == 2)
            // _elements: unqualified names for every type, Type.element for one; what every resource needs stays.
            let (eid, slim) = try await Self.run(export, .system, [("_type", "Patient,Observation"), ("_elements", "Patient.gender,status")])
            let slimFiles = try await Self.files(export, eid, slim)
            for (type, allowed) in [("Patient", ["resourceType", "id", "meta", "gender"]), ("Observation", ["resourceType", "id", "meta", "status"])] {
                let resources = slimFiles[type] ?? []
                #expect(!resources.isEmpty)
                for r in resources {
                    #expect(Set(r.objectValue?.keys ?? []) == Set(allowed).intersection(r.objectValue?.keys ?? []) && r["id"] != nil)
                    #expect(r["meta"]?["tag"]?.arrayValue?.contains { $0["code"]?.stringValue == "SUBSETTED" } == true)
                }
            }
            #expect(slimFiles["Patient"]?.allSatisfy { $0["gender"] != nil } == true)
            do {
                _ = try export.request(level: .system, parameters: [("_elements", "Nothing.name,a.b.c,status")], owner: "tester", url: base)
                Issue.record("bad element names were accepted")
            } catch let error as FHIRError {
                #expect(error.issues.count == 2 && error.issues.allSatisfy { $0.expression == "_elements" })
            }
            let since = Instant.now().iso
            try await Task.sleep(for: .milliseconds(20))
            _ = try await repo.update(type: "Patient", id: w.bolat, resource: patient(family: "Bolatov", given: "Bolat", gender: "male", extra: #","id":"\#(w.bolat)","active":true"#))
            let (sid, recent) = try await Self.run(export, .system, [("_since", since)])
            let recentFiles = try await Self.files(export, sid, recent)
            #expect(recentFiles.keys.sorted() == ["Patient"] && recentFiles["Patient"]?.first?["id"]?.stringValue == w.bolat)

            // The files load into an empty database with the importer and read back the same.
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("densauluq-export-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let fresh = try await Self.run(export, .system, [])
            let all = try await Self.files(export, fresh.0, fresh.1)
            for file in fresh.1["output"]?.arrayValue ?? [] {
                let type = try #require(file["type"]?.stringValue)
                var text = ""
                for try await part in try await export.parts(fresh.0, owner: "tester", type: type) { text += part }
                try text.write(to: folder.appendingPathComponent("\(type).ndjson"), atomically: true, encoding: .utf8)
            }
            try await TestDatabase.sqlite.withRepository { target in
                var failures: [String] = []
                await Importer(repository: target).loadAll(try ImportFiles.collect([folder.path])) { path, outcome in
                    if case .failed(let error) = outcome { failures.append("\(path): \(error)") }
                }
                #expect(failures.isEmpty, "\(failures)")
                for (type, resources) in all {
                    for r in resources {
                        let id = try #require(r["id"]?.stringValue)
                        let loaded = try await target.read(type: type, id: id).json
                        #expect(Repository.contentIgnoringVersion(loaded) == Repository.contentIgnoringVersion(r), "\(type)/\(id)")
                    }
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func jobsAreTheirOwnersAndScopesLimitThem(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            _ = try await PatientRecordTests.load(repo)
            let export = BulkExport(repository: repo)
            let (id, _) = try await Self.run(export, .system, [("_type", "Patient")])
            // Someone else's job does not exist for them.
            await #expect(throws: FHIRError.self) { _ = try await export.status(id, owner: "somebody else", baseURL: base) }
            await #expect(throws: FHIRError.self) { _ = try await export.parts(id, owner: "somebody else", type: "Patient") }
            // Deleted: gone for its owner too.
            try await export.delete(id, owner: "tester")
            await #expect(throws: FHIRError.self) { _ = try await export.status(id, owner: "tester", baseURL: base) }

            // Bad parameters are all named.
            do {
                _ = try export.request(level: .patient, parameters: [("_type", "Organization,Nothing"), ("_since", "yesterday"), ("_outputFormat", "text/csv"), ("_typeFilter", "x")],
                                       owner: "tester", url: base)
                Issue.record("bad parameters were accepted")
            } catch let error as FHIRError {
                #expect(error.status == 400)
                #expect(Set(error.issues.compactMap(\.expression)) == ["_type", "_since", "_outputFormat", "_typeFilter"])
            }
            // A scope of some types exports those; asking by name for another is refused.
            let narrow = AccessScope(read: .all, write: .none, readTypes: .only(["Patient"]), holder: "test narrow")
            try await AccessScope.$current.withValue(narrow) {
                let (nid, manifest) = try await Self.run(export, .system, [])
                #expect(Set(try await Self.files(export, nid, manifest).keys) == ["Patient"])
                #expect(throws: FHIRError.self) { _ = try export.request(level: .system, parameters: [("_type", "Observation")], owner: "tester", url: base) }
            }
            // A scope that must name a patient for every search may not export at all.
            let pharmacist = AccessScope(read: .all, write: .none, searchNeedsPatient: true, holder: "test pharmacist")
            AccessScope.$current.withValue(pharmacist) {
                #expect(throws: FHIRError.self) { _ = try export.request(level: .system, parameters: [], owner: "tester", url: base) }
            }
        }
    }

    /// A job whose server stopped mid-way (here: a running job that has not said it is alive for 3 minutes, as the
    /// row a crashed server leaves behind) is reported as failed, with what to do, and stays failed.
    @Test(arguments: TestDatabase.available)
    func aJobWhoseServerStoppedIsReportedFailed(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let export = BulkExport(repository: repo)
            let stopped = Instant(millis: Instant.now().millis - 180_000).iso
            let recent = Instant.now().iso
            try await repo.database.transaction { sql in
                for (id, beat) in [("stopped-job", stopped), ("live-job", recent)] {
                    try await sql.raw("""
                        INSERT INTO export_jobs (id, owner, request, level, types, transaction_time, status, done_types, heartbeat)
                        VALUES (\(bind: id), 'tester', \(bind: base), 'system', 'Patient,Observation', \(bind: stopped), 'running', 1, \(bind: beat))
                        """).run()
                }
            }
            guard case .failed(let message) = try await export.status("stopped-job", owner: "tester", baseURL: base) else {
                Issue.record("a job without a heartbeat for 3 minutes is still reported as running"); return
            }
            #expect(message.contains("start it again"))
            guard case .running(1, 2) = try await export.status("live-job", owner: "tester", baseURL: base) else {
                Issue.record("a job with a recent heartbeat is not reported as running with its progress"); return
            }
            // The failure is recorded, not only computed: the job's row says so.
            let status = try await repo.database.read { sql in
                try await sql.raw("SELECT status FROM export_jobs WHERE id = 'stopped-job'").all().first?.decode(column: "status", as: String.self)
            }
            #expect(status == "failed")
        }
    }
}
