import Audit
import DatabaseTesting
import FHIRJSON
import FHIRServer
import FHIRStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Testing

/// Every role against every interaction, over HTTP with real tokens, on each database: what is allowed, what is
/// refused, and that nothing leaks through `_include`, `_revinclude`, history, `_summary=count` or Bundles.
@Suite struct AccessMatrixTests {
    /// Patients each principal's `GET /Patient` returns (nil: refused with 403).
    static let patients: [String: [String]?] = [
        "citizen": ["mother", "child"],                        // herself and her minor child, not the son of 26
        "clinician": ["mother", "visitor"],                    // attached to clinic A; seen by Dr A at clinic B
        "pharmacist": nil,                                     // must name a patient
        "epidemiologist": ["stranger"],                        // COVID-19 in Almaty (the visitor's TB is in Astana)
        "analyst": nil,
        "orgAdmin": nil,
        "systemAdmin": ["child", "grown", "mother", "stranger", "visitor"],
        "client": ["child", "grown", "stranger", "visitor"],   // attached to clinic B
    ]

    /// What `GET /Observation?_summary=count` counts (nil: refused).
    static let observationCounts: [String: Int?] = [
        "citizen": 2, "clinician": 2, "pharmacist": nil, "epidemiologist": 1, "analyst": nil, "orgAdmin": nil,
        "systemAdmin": 5, "client": 4,
    ]

    /// Who may read `Patient/stranger` (the rest get 403).
    static let strangerReaders: Set<String> = ["pharmacist", "epidemiologist", "systemAdmin", "client"]

    /// Who may create an Observation for the stranger (201; the rest get 403).
    static let strangerWriters: Set<String> = ["systemAdmin", "client"]

    @Test(arguments: TestDatabase.available)
    func everyRoleAgainstEveryInteraction(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let world = try await AccessWorld(repo)
            let app = Application(router: ServerApplication.router(repository: repo, tokens: world.tokens, audit: world.audit))
            try await app.test(.router) { client in
                for who in AccessWorld.principals {
                    let search = try await world.call(client, who, .get, "/fhir/Patient")
                    let expected = try #require(Self.patients[who])
                    if let expected {
                        #expect(search.status == 200, "\(who) search")
                        #expect(AccessWorld.refs(search.json) == expected.sorted().map { "Patient/" + $0 }, "\(who) sees")
                    } else {
                        #expect(search.status == 403, "\(who) search is refused")
                        #expect(search.json["issue"]?[0]?["code"]?.stringValue == "forbidden")
                    }
                    // A count reveals no more than the search.
                    let count = try await world.call(client, who, .get, "/fhir/Observation?_summary=count")
                    if let n = try #require(Self.observationCounts[who]) {
                        #expect(count.status == 200 && count.json["total"]?.intValue == n, "\(who) counts \(n)")
                    } else {
                        #expect(count.status == 403, "\(who) may not count Observations")
                    }
                    // Reverse chaining finds no patient the role's search would not, and a type the role may not
                    // read at all is refused rather than searched.
                    let reverse = try await world.call(client, who, .get, "/fhir/Patient?_has:Observation:subject:_id=obs-stranger-lab")
                    if reverse.status == 200 {
                        let found = Set(AccessWorld.refs(reverse.json))
                        #expect(found.isSubset(of: Set((expected ?? []).map { "Patient/" + $0 })), "\(who) finds by _has only whom the search shows")
                        #expect(!found.contains("Patient/stranger") || Self.strangerReaders.contains(who), "\(who) finds the stranger by _has")
                        if who == "systemAdmin" { #expect(found == ["Patient/stranger"], "the administrator finds the stranger by the lab result") }
                    } else {
                        #expect(reverse.status == 403, "\(who) _has")
                    }
                    let read = try await world.call(client, who, .get, "/fhir/Patient/stranger")
                    #expect(read.status == (Self.strangerReaders.contains(who) ? 200 : 403), "\(who) reads the stranger")
                    let pretty = try await world.call(client, who, .get, "/fhir/Patient/stranger?_pretty=true")
                    #expect(pretty.status == read.status, "\(who) parsed read path agrees")
                    let vread = try await world.call(client, who, .get, "/fhir/Patient/stranger/_history/1")
                    let history = try await world.call(client, who, .get, "/fhir/Patient/stranger/_history")
                    if Self.strangerReaders.contains(who) {
                        #expect(vread.status == 200 && history.status == 200, "\(who) stranger history")
                    } else {
                        #expect(vread.status == 403 && history.status == 403, "\(who) stranger history refused")
                    }
                    let system = try await world.call(client, who, .get, "/fhir/_history")
                    #expect(system.status == (who == "systemAdmin" ? 200 : 403), "\(who) whole-server history")
                    // The record as one request is refused as the read is; a compartment search shows nothing more.
                    let everything = try await world.call(client, who, .get, "/fhir/Patient/stranger/$everything")
                    #expect(everything.status == read.status, "\(who) reads the stranger's whole record")
                    let compartment = try await world.call(client, who, .get, "/fhir/Patient/stranger/Observation")
                    if !Self.strangerReaders.contains(who) {
                        #expect(compartment.status == 403 || AccessWorld.refs(compartment.json).isEmpty, "\(who) finds the stranger's Observations")
                    }
                    // A bulk export holds what the role's searches find: the Patients of the search above.
                    let kickOff = try await client.execute(uri: "/fhir/$export?_type=Patient", method: .get,
                                                           headers: [.authorization: "Bearer " + (world.token[who] ?? ""), HTTPField.Name("Prefer")!: "respond-async"])
                    if expected == nil {
                        #expect(kickOff.status == .forbidden || kickOff.status == .accepted, "\(who) export")
                    } else {
                        #expect(kickOff.status == .accepted, "\(who) export")
                    }
                    if kickOff.status == .accepted, let location = kickOff.headers[.contentLocation],
                       let path = location.range(of: "/fhir/").map({ String(location[$0.lowerBound...]) }) {
                        var manifest: JSON?
                        for _ in 0..<200 where manifest == nil {
                            let status = try await world.call(client, who, .get, path)
                            if status.status == 200 { manifest = status.json } else { try await Task.sleep(for: .milliseconds(20)) }
                        }
                        var exported: [String] = []
                        for file in manifest?["output"]?.arrayValue ?? [] {
                            guard let url = file["url"]?.stringValue, let p = url.range(of: "/fhir/") else { continue }
                            let got = try await client.execute(uri: String(url[p.lowerBound...]), method: .get,
                                                               headers: [.authorization: "Bearer " + (world.token[who] ?? "")])
                            exported += String(buffer: got.body).split(separator: "\n").compactMap { line in
                                (try? JSONParser.parse(String(line)))?["id"]?.stringValue.map { "Patient/" + $0 }
                            }
                        }
                        #expect(manifest != nil, "\(who) export finishes")
                        #expect(exported.sorted() == (expected ?? []).sorted().map { "Patient/" + $0 }, "\(who) exports")
                        // Every exported patient's trail records the export, and no one else's.
                        if let actor = world.accountId[who] {
                            try await world.audit.flush()
                            let trail = try await repo.database.read { db in
                                try await db.raw("SELECT DISTINCT patient FROM audit_log WHERE action = 'export' AND actor = \(bind: actor)").all()
                                    .map { "Patient/" + (try $0.decode(column: "patient", as: String.self)) }
                            }
                            #expect(Set(trail) == Set(exported), "\(who)'s export is in the exported patients' trails")
                        }
                    }
                }
                for who in AccessWorld.principals {
                    let before = try await world.snapshot()
                    let write = try await world.call(client, who, .post, "/fhir/Observation", body: Self.observation("stranger"))
                    #expect(write.status == (Self.strangerWriters.contains(who) ? 201 : 403), "\(who) writes for the stranger")
                    if write.status == 403 { #expect(try await world.snapshot() == before, "\(who): a refused write leaves nothing") }
                    let bundle = try await world.call(client, who, .post, "/fhir", body: Self.transaction([Self.observation("stranger")]))
                    #expect(bundle.status == (Self.strangerWriters.contains(who) ? 200 : 403), "\(who) writes for the stranger in a transaction")
                }
                // Changing and deleting what an import wrote: only the system administrator (the clinic's information
                // system changes only its own organisation's data). The administrator goes last: a deleted resource
                // answers every later delete with 204.
                var lab = try #require(try await repo.read(type: "Observation", id: "obs-stranger-lab").json.objectValue)
                lab["status"] = "amended"
                for who in AccessWorld.principals.filter({ $0 != "systemAdmin" }) + ["systemAdmin"] {
                    let before = try await world.snapshot()
                    let update = try await world.call(client, who, .put, "/fhir/Observation/obs-stranger-lab", body: JSON.object(lab).serialized())
                    let patch = try await world.call(client, who, .patch, "/fhir/Observation/obs-stranger-lab", body: #"[{"op":"add","path":"/issued","value":"2024-05-01T10:00:00Z"}]"#,
                                                     headers: [.contentType: "application/json-patch+json"])
                    #expect(patch.status == (who == "systemAdmin" ? 200 : 403), "\(who) patches the stranger's record")
                    let delete = try await world.call(client, who, .delete, "/fhir/Observation/obs-stranger-vital")
                    if who == "systemAdmin" {
                        #expect(update.status == 200 && delete.status == 204)
                    } else {
                        #expect(update.status == 403 && delete.status == 403, "\(who) changes the stranger's record")
                        #expect(try await world.snapshot() == before)
                    }
                }
            }
            try await world.audit.shutdown()
        }
    }

    @Test(arguments: TestDatabase.available)
    func citizenSeesHerFamilyAndNothingLeaks(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let world = try await AccessWorld(repo)
            let app = Application(router: ServerApplication.router(repository: repo, tokens: world.tokens, audit: world.audit))
            try await app.test(.router) { client in
                let rev = try await world.call(client, "citizen", .get, "/fhir/Patient?_revinclude=Observation:subject&_revinclude=RelatedPerson:patient")
                #expect(AccessWorld.refs(rev.json) == ["Observation/obs-child", "Observation/obs-mother", "Patient/child", "Patient/mother", "RelatedPerson/rp-child"])
                let inc = try await world.call(client, "citizen", .get, "/fhir/Observation?_include=Observation:performer&_include=Observation:subject")
                #expect(inc.status == 200)
                #expect(AccessWorld.refs(inc.json) == ["Observation/obs-child", "Observation/obs-mother", "Patient/child", "Patient/mother"])
                let typeHistory = try await world.call(client, "citizen", .get, "/fhir/Patient/_history")
                let historyRefs = Set((typeHistory.json["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["id"]?.stringValue })
                #expect(typeHistory.status == 200 && historyRefs == ["mother", "child"] && typeHistory.json["total"]?.intValue == 2)
                let chained = try await world.call(client, "citizen", .get, "/fhir/Observation?subject:Patient.name=stranger")
                #expect(chained.status == 200 && AccessWorld.refs(chained.json).isEmpty)
                let batch = try await world.call(client, "citizen", .post, "/fhir", body: """
                    {"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Patient/child"}},
                     {"request":{"method":"GET","url":"Patient/stranger"}},{"request":{"method":"GET","url":"Condition?patient=stranger"}}]}
                    """)
                let statuses = (batch.json["entry"]?.arrayValue ?? []).map { $0["response"]?["status"]?.stringValue ?? "" }
                #expect(statuses == ["200 OK", "403", "200 OK"])
                let searched = AccessWorld.refs(batch.json["entry"]?[2]?["resource"] ?? .null)
                #expect(searched.isEmpty)
                // The son is 26: his mother no longer represents him.
                #expect(try await world.call(client, "citizen", .get, "/fhir/Patient/grown").status == 403)
                let mine = try await world.call(client, "citizen", .get, "/fhir/Patient?_id=mother&_elements=name")
                #expect(AccessWorld.refs(mine.json) == ["Patient/mother"])
                #expect(try await world.call(client, "citizen", .delete, "/fhir/Observation/obs-mother").status == 403)
                #expect(try await world.call(client, "citizen", .get, "/fhir/Patient/mother", reason: "I want to see it all").status == 403)
            }
            try await world.audit.shutdown()
        }
    }

    @Test(arguments: TestDatabase.available)
    func clinicianWritesForHerPatientsOnlyAndBreaksTheGlassOnTheRecord(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let world = try await AccessWorld(repo)
            let app = Application(router: ServerApplication.router(repository: repo, tokens: world.tokens, audit: world.audit))
            try await app.test(.router) { client in
                let created = try await world.call(client, "clinician", .post, "/fhir/Observation", body: Self.observation("mother"))
                #expect(created.status == 201)
                #expect(created.json["meta"]?["source"]?.stringValue == "urn:densauluq:organization:org-a")
                // Moving the stranger's observation into her patient's record is changing the stranger's record.
                var moved = try #require(try await repo.read(type: "Observation", id: "obs-stranger-vital").json.objectValue)
                moved["subject"] = ["reference": "Patient/mother"]
                let before = try await world.snapshot()
                #expect(try await world.call(client, "clinician", .put, "/fhir/Observation/obs-stranger-vital", body: JSON.object(moved).serialized()).status == 403)
                #expect(try await world.call(client, "clinician", .delete, "/fhir/Observation/obs-stranger-vital").status == 403)
                #expect(try await world.call(client, "clinician", .put, "/fhir/Observation?_id=obs-stranger-vital", body: Self.observation("stranger")).status == 403)
                // All or nothing: one entry outside her patients refuses the whole transaction.
                let mixed = try await world.call(client, "clinician", .post, "/fhir", body: Self.transaction([Self.observation("mother"), Self.observation("stranger")]))
                #expect(mixed.status == 403)
                let expression = mixed.json["issue"]?[0]?["expression"]?.arrayValue?.first?.stringValue
                #expect(expression == "Bundle.entry[1].resource")
                #expect(try await world.snapshot() == before)
                // A new patient attached to her clinic, with a first observation, in one transaction.
                let newborn = #"{"resourceType":"Patient","name":[{"family":"Newborn"}],"generalPractitioner":[{"reference":"Organization/org-a"}]}"#
                let registered = try await world.call(client, "clinician", .post, "/fhir", body: Self.transaction([newborn, Self.observation("urn:uuid:e0")], fullUrls: ["urn:uuid:e0", nil]))
                #expect(registered.status == 200)
                // Updating her own patient's record is allowed (clinicians are not limited to their own writes).
                var mother = try #require(try await repo.read(type: "Patient", id: "mother").json.objectValue)
                mother["active"] = true
                #expect(try await world.call(client, "clinician", .put, "/fhir/Patient/mother", body: JSON.object(mother).serialized()).status == 200)

                // Break the glass: a stated reason opens the record, and it is on the trail.
                #expect(try await world.call(client, "clinician", .get, "/fhir/Patient/stranger").status == 403)
                #expect(try await world.call(client, "clinician", .get, "/fhir/Patient/stranger", reason: "urgent").status == 403)
                #expect(try await world.call(client, "clinician", .get, "/fhir/Patient/stranger", reason: "Unconscious in the emergency room").status == 200)
                #expect(try await world.call(client, "clinician", .get, "/fhir/Condition?patient=stranger", reason: "Unconscious in the emergency room").status == 200)
                // The glass closes again: the same token without a reason is back to its own patients.
                #expect(try await world.call(client, "clinician", .get, "/fhir/Patient/stranger").status == 403)
                #expect(try await world.call(client, "clinician", .get, "/fhir/Patient/mother").status == 200)
                try await world.audit.flush()
                let report = try await world.call(client, "orgAdmin", .get, "/audit/break-glass")
                // Newest first: the two accesses with a reason, and the refused attempt with a too short one.
                let reasons = (report.json["entry"]?.arrayValue ?? []).map { $0["resource"]?["purposeOfEvent"]?[0]?["text"]?.stringValue ?? "" }
                #expect(report.status == 200 && reasons == ["Unconscious in the emergency room", "Unconscious in the emergency room", "urgent"])
                let event = report.json["entry"]?[0]?["resource"]
                #expect(event?["purposeOfEvent"]?[0]?["text"]?.stringValue == "Unconscious in the emergency room")
                #expect(event?["entity"]?[0]?["what"]?["reference"]?.stringValue == "Patient/stranger")
                #expect(event?["agent"]?[0]?["who"]?["identifier"]?["value"]?.stringValue == world.accountId["clinician"])
                #expect(try await world.call(client, "clinician", .get, "/audit/break-glass").status == 403)
                #expect(try await world.call(client, "citizen", .get, "/audit/break-glass").status == 403)
            }
            try await world.audit.shutdown()
            // The refused attempt without a reason is on the stranger's trail too, with its 403.
            let trail = try await world.audit.entries(patient: "stranger")
            #expect(trail.contains { $0.actor == world.accountId["clinician"] && $0.outcome == 403 && $0.action == "read" })
            #expect(trail.filter { $0.purpose == "Unconscious in the emergency room" }.count == 2)
        }
    }

    @Test(arguments: TestDatabase.available)
    func otherRolesKeepToTheirTasks(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let world = try await AccessWorld(repo)
            let app = Application(router: ServerApplication.router(repository: repo, tokens: world.tokens, audit: world.audit))
            try await app.test(.router) { client in
                // Pharmacist: prescriptions of a named patient; dispenses; nothing else.
                #expect(try await world.call(client, "pharmacist", .get, "/fhir/MedicationRequest").status == 403)
                let rx = try await world.call(client, "pharmacist", .get, "/fhir/MedicationRequest?patient=stranger")
                #expect(AccessWorld.refs(rx.json) == ["MedicationRequest/mr-stranger"])
                #expect(try await world.call(client, "pharmacist", .get, "/fhir/Condition?patient=stranger").status == 403)
                let dispense = """
                    {"resourceType":"MedicationDispense","status":"completed","medicationCodeableConcept":{"text":"Amoxicillin 500 mg"},
                     "subject":{"reference":"Patient/stranger"},"authorizingPrescription":[{"reference":"MedicationRequest/mr-stranger"}]}
                    """
                #expect(try await world.call(client, "pharmacist", .post, "/fhir/MedicationDispense", body: dispense).status == 201)
                // Epidemiologist: the notifiable diagnosis and the lab result, not the rest of the record.
                let conditions = try await world.call(client, "epidemiologist", .get, "/fhir/Condition?patient=stranger")
                #expect(AccessWorld.refs(conditions.json) == ["Condition/cond-stranger-covid"])
                #expect(try await world.call(client, "epidemiologist", .get, "/fhir/Condition/cond-stranger-htn").status == 403)
                #expect(try await world.call(client, "epidemiologist", .get, "/fhir/Condition/cond-visitor-tb").status == 403)
                #expect(try await world.call(client, "epidemiologist", .get, "/fhir/MedicationRequest?patient=stranger").status == 403)
                let revs = try await world.call(client, "epidemiologist", .get, "/fhir/Patient?_revinclude=Condition:subject&_revinclude=MedicationRequest:subject")
                #expect(AccessWorld.refs(revs.json) == ["Condition/cond-stranger-covid", "Patient/stranger"])
                // Analyst: indicators only.
                let reports = try await world.call(client, "analyst", .get, "/fhir/MeasureReport")
                #expect(AccessWorld.refs(reports.json) == ["MeasureReport/report-2026"])
                #expect(try await world.call(client, "analyst", .get, "/fhir/Patient/mother").status == 403)
                #expect(try await world.call(client, "analyst", .get, "/fhir/Condition?_summary=count").status == 403)
                // Organisation administrator: the directory, not the records.
                #expect(try await world.call(client, "orgAdmin", .post, "/fhir/Practitioner", body: #"{"resourceType":"Practitioner","name":[{"family":"New"}]}"#).status == 201)
                #expect(try await world.call(client, "orgAdmin", .get, "/fhir/Observation?subject=mother").status == 403)
                // Information system of clinic B: its patients; changes only what its organisation wrote.
                let own = try await world.call(client, "client", .post, "/fhir/Observation", body: Self.observation("stranger"))
                #expect(own.status == 201 && own.json["meta"]?["source"]?.stringValue == "urn:densauluq:organization:org-b")
                var mine = try #require(own.json.objectValue)
                mine["status"] = "amended"
                let id = try #require(own.json["id"]?.stringValue)
                #expect(try await world.call(client, "client", .put, "/fhir/Observation/\(id)", body: JSON.object(mine).serialized()).status == 200)
                var theirs = try #require(try await repo.read(type: "Observation", id: "obs-stranger-lab").json.objectValue)
                theirs["status"] = "amended"
                #expect(try await world.call(client, "client", .put, "/fhir/Observation/obs-stranger-lab", body: JSON.object(theirs).serialized()).status == 403)
                #expect(try await world.call(client, "client", .delete, "/fhir/Observation/obs-stranger-lab").status == 403)
                #expect(try await world.call(client, "client", .get, "/fhir/Observation/obs-mother").status == 403)
                // A citizen's "who accessed my record": the clinician's read of her record, not the stranger's trail.
                #expect(try await world.call(client, "clinician", .get, "/fhir/Patient/mother").status == 200)
                try await world.audit.flush()
                let trail = try await world.call(client, "citizen", .get, "/audit/my-record")
                let events = trail.json["entry"]?.arrayValue ?? []
                let patientsNamed = Set(events.compactMap { $0["resource"]?["entity"]?[0]?["what"]?["reference"]?.stringValue })
                #expect(trail.status == 200 && patientsNamed == ["Patient/mother"])
                #expect(events.contains { $0["resource"]?["agent"]?[0]?["who"]?["identifier"]?["value"]?.stringValue == world.accountId["clinician"] })
                #expect(try await world.call(client, "clinician", .get, "/audit/my-record").status == 403)
            }
            try await world.audit.shutdown()
        }
    }

    /// Hostile values in every search parameter type, sent by a citizen: each is answered with 200 or 400 (never
    /// a server error), none widens what she sees, and the tables are intact afterwards.
    @Test(arguments: TestDatabase.available)
    func injectionInEveryParameterTypeIsHarmless(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let world = try await AccessWorld(repo)
            let app = Application(router: ServerApplication.router(repository: repo, tokens: world.tokens, audit: world.audit))
            let payloads = ["x' OR '1'='1", "'; DROP TABLE resources; --", "%' OR compartment IS NOT NULL --", "\\' UNION SELECT content FROM resources --",
                            "1) OR (1=1", "ge2000-01-01' OR 1=1 --", "http://x|' OR 1=1 --", String(repeating: "%", count: 300)]
            let parameters = [
                "Patient?name=", "Patient?family:exact=", "Patient?address-state:contains=",                 // string
                "Patient?identifier=", "Patient?gender=", "Observation?code=http://loinc.org|", "Observation?code:text=", // token
                "Patient?birthdate=", "Observation?_lastUpdated=",                                             // date
                "Observation?value-quantity=",   // quantity (its number part parses like a number parameter; no served type has one)
                "Observation?subject=", "Observation?subject:Patient.name=", "Patient?_has:Observation:subject:code=", // reference, chain, _has
                "Measure?url=", "Patient?_profile=",                                                           // uri
                "Patient?_id=", "Patient?_sort=", "Patient?_include=", "Patient?_elements=", "Patient?_count=",  // special
            ]
            let before = try await world.snapshot()
            try await app.test(.router) { client in
                for parameter in parameters {
                    for payload in payloads {
                        let encoded = payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                        let result = try await world.call(client, "citizen", .get, "/fhir/" + parameter + encoded)
                        #expect(result.status == 200 || result.status == 400, "\(parameter)\(payload) → \(result.status)")
                        let seen = Set(AccessWorld.refs(result.json).filter { $0.hasPrefix("Patient/") })
                        #expect(seen.isSubset(of: ["Patient/mother", "Patient/child"]), "\(parameter)\(payload) leaked \(seen)")
                    }
                }
                // A hostile parameter name is skipped (lenient) or refused (strict), not executed.
                let name = try await world.call(client, "citizen", .get, "/fhir/Patient?name%27%20OR%201%3D1--=x")
                #expect(name.status == 200 && AccessWorld.refs(name.json) == ["Patient/child", "Patient/mother"])
            }
            #expect(try await world.snapshot() == before)
            try await world.audit.shutdown()
        }
    }

    static func observation(_ patient: String) -> String {
        let reference = patient.hasPrefix("urn:") ? patient : "Patient/" + patient
        return #"{"resourceType":"Observation","status":"final","code":{"text":"Pulse"},"subject":{"reference":"\#(reference)"}}"#
    }

    static func transaction(_ resources: [String], fullUrls: [String?]? = nil) -> String {
        let entries = resources.enumerated().map { i, r in
            let full = fullUrls?[i].map { #""fullUrl":"\#($0)","# } ?? ""
            let type = (try? JSONParser.parse(Array(r.utf8)))?["resourceType"]?.stringValue ?? ""
            return #"{\#(full)"resource":\#(r),"request":{"method":"POST","url":"\#(type)"}}"#
        }
        return #"{"resourceType":"Bundle","type":"transaction","entry":[\#(entries.joined(separator: ","))]}"#
    }
}
