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
import Surveillance
import SurveillanceAPI
import Testing

/// `$notify`, `$set-case-status`, `$journal` and `$case-counts` through the HTTP API with real tokens.
@Suite struct SurveillanceAPITests {
    struct World {
        let repo: Repository
        let tokens: TokenService
        let audit: AuditLog
        var token: [String: String] = [:]
        let person: String, polyclinic: String, result: String

        init(_ repo: Repository) async throws {
            self.repo = repo
            person = try await repo.create(type: "Patient", resource: [
                "resourceType": "Patient", "address": [["use": "home", "state": "Алматы",
                    "extension": [["url": .string(CaseNotification.katoExtension), "valueCode": "751110000"]]]],
            ]).resource.id
            polyclinic = try await repo.create(type: "Organization", resource: [
                "resourceType": "Organization", "name": "Поликлиника", "address": [["state": "Алматы"]]]).resource.id
            result = try await repo.create(type: "Observation", resource: ["resourceType": "Observation", "status": "final", "code": ["text": "PCR"]]).resource.id
            let accounts = AccountStore(database: repo.database, hasher: PasswordHasher(cost: 4))
            tokens = try await TokenService.make(accounts: accounts, secret: String(repeating: "s", count: 40))
            audit = AuditLog(database: repo.database, flushInterval: .milliseconds(20))
            let people: [(String, NewAccount)] = [
                ("doctor", NewAccount(username: "dr", password: "pw-doctor-long-enough", role: .clinician, organization: polyclinic)),
                ("epiAlmaty", NewAccount(username: "epi.almaty", password: "pw-epi-long-enough", role: .epidemiologist, region: "Алматы")),
                ("epiAstana", NewAccount(username: "epi.astana", password: "pw-epi-long-enough", role: .epidemiologist, region: "Астана")),
                ("analyst", NewAccount(username: "analyst", password: "pw-analyst-long-enough", role: .analyst)),
                ("pharmacist", NewAccount(username: "ph", password: "pw-pharmacist-long-enough", role: .pharmacist, organization: polyclinic)),
            ]
            for (name, new) in people {
                _ = try await accounts.add(new)
                token[name] = try await tokens.signIn(username: new.username, password: new.password).accessToken
            }
        }

        func app() -> some ApplicationProtocol {
            Application(router: ServerApplication.router(repository: repo, tokens: tokens, audit: audit,
                                                         operations: SurveillanceOperations.all(repository: repo)))
        }

        func call(_ client: some TestClientProtocol, _ who: String, _ uri: String, _ body: String? = nil) async throws -> (status: Int, json: JSON) {
            var headers: HTTPFields = [.authorization: "Bearer " + (token[who] ?? "none")]
            if body != nil { headers[.contentType] = "application/fhir+json" }
            let r = try await client.execute(uri: uri, method: body == nil ? .get : .post, headers: headers, body: body.map { ByteBuffer(string: $0) })
            return (Int(r.status.code), (try? JSONParser.parse(Array(r.body.readableBytesView))) ?? .null)
        }

        func notification(onset: String = "2026-11-20", status: String = "provisional") -> String {
            let today = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
            return #"{"resourceType":"Condition","subject":{"reference":"Patient/\#(person)"},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"U07.1"}]},"onsetDateTime":"\#(onset)","recordedDate":"\#(today)","verificationStatus":{"coding":[{"code":"\#(status)"}]}}"#
        }
    }

    @Test(arguments: TestDatabase.available)
    func aClinicianNotifiesAndTheEpidemiologistOfTheRegionSeesIt(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            try await w.app().test(.router) { client in
                let first = try await w.call(client, "doctor", "/fhir/Condition/$notify", w.notification())
                #expect(first.status == 201)
                #expect(first.json["meta"]?["tag"]?[0]?["code"]?.stringValue == "new-case")
                let id = try #require(first.json["id"]?.stringValue)
                // Sent again by the same system: merged, 200.
                let again = try await w.call(client, "doctor", "/fhir/Condition/$notify", w.notification())
                #expect(again.status == 200 && again.json["id"]?.stringValue == id && again.json["meta"]?["tag"]?[0]?["code"]?.stringValue == "merged")
                // Who may not notify.
                #expect(try await w.call(client, "analyst", "/fhir/Condition/$notify", w.notification()).status == 403)
                #expect(try await w.call(client, "pharmacist", "/fhir/Condition/$notify", w.notification()).status == 403)
                // A bad one: an OperationOutcome that says where.
                let bad = try await w.call(client, "doctor", "/fhir/Condition/$notify", #"{"resourceType":"Condition","code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10","code":"I10"}]}}"#)
                #expect(bad.status == 400 && bad.json["resourceType"]?.stringValue == "OperationOutcome")
                let places = Set((bad.json["issue"]?.arrayValue ?? []).compactMap { $0["expression"]?[0]?.stringValue })
                #expect(places.isSuperset(of: ["Condition.subject", "Condition.code.coding", "Condition.onsetDateTime", "Condition.recordedDate"]))
                // The journal: Almaty's epidemiologist sees the case; Astana's sees none and may not ask for Almaty.
                let journal = try await w.call(client, "epiAlmaty", "/fhir/Condition/$journal")
                #expect(journal.status == 200 && journal.json["parameter"]?.arrayValue?.count == 1)
                #expect(try await w.call(client, "epiAstana", "/fhir/Condition/$journal").json["parameter"]?.arrayValue?.count ?? 0 == 0)
                #expect(try await w.call(client, "epiAstana", "/fhir/Condition/$journal?region=750000000").status == 403)
                #expect(try await w.call(client, "analyst", "/fhir/Condition/$journal").status == 403)
                // Counts for the analyst, no person in them.
                let counts = try await w.call(client, "analyst", "/fhir/Condition/$case-counts?period=week&disease=U07")
                #expect(counts.status == 200)
                let parts = counts.json["parameter"]?[0]?["part"]?.arrayValue ?? []
                #expect(parts.first { $0["name"]?.stringValue == "cases" }?["valueInteger"]?.intValue == 1)
                #expect(parts.first { $0["name"]?.stringValue == "period" }?["valueString"]?.stringValue == "2026-W47")
                #expect(!counts.json.serialized().contains(w.person))
                #expect(try await w.call(client, "analyst", "/fhir/Condition/$case-counts?period=month").status == 400)
                // Confirmation by the region's epidemiologist, not by Astana's.
                let confirm = #"{"resourceType":"Parameters","parameter":[{"name":"status","valueCode":"confirmed"},{"name":"evidence","valueReference":{"reference":"Observation/\#(w.result)"}}]}"#
                #expect(try await w.call(client, "epiAstana", "/fhir/Condition/\(id)/$set-case-status", confirm).status == 403)
                let confirmed = try await w.call(client, "epiAlmaty", "/fhir/Condition/\(id)/$set-case-status", confirm)
                #expect(confirmed.status == 200 && confirmed.json["verificationStatus"]?["coding"]?[0]?["code"]?.stringValue == "confirmed")
                let back = #"{"resourceType":"Parameters","parameter":[{"name":"status","valueCode":"suspected"}]}"#
                #expect(try await w.call(client, "epiAlmaty", "/fhir/Condition/\(id)/$set-case-status", back).status == 422)
            }
            // The journal read is in the person's audit trail.
            try await w.audit.flush()
            let trail = try await w.audit.entries(patient: w.person)
            #expect(trail.contains { $0.action == "$journal" && $0.outcome == 200 })
            #expect(trail.contains { $0.action == "$notify" && $0.outcome == 201 })
        }
    }

    @Test(arguments: TestDatabase.available)
    func bedReportsAndTheRegimeOfEveryRegion(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            try await w.app().test(.router) { client in
                let beds = #"{"resourceType":"Parameters","parameter":[{"name":"day","valueDate":"2026-11-30"},{"name":"deployed","valueInteger":120},{"name":"occupied","valueInteger":114}]}"#
                #expect(try await w.call(client, "analyst", "/fhir/Organization/\(w.polyclinic)/$bed-report", beds).status == 403)
                let stored = try await w.call(client, "doctor", "/fhir/Organization/\(w.polyclinic)/$bed-report", beds)
                #expect(stored.status == 201 && stored.json["resourceType"]?.stringValue == "MeasureReport")
                let impossible = #"{"resourceType":"Parameters","parameter":[{"name":"deployed","valueInteger":10},{"name":"occupied","valueInteger":-1}]}"#
                let refused = try await w.call(client, "doctor", "/fhir/Organization/\(w.polyclinic)/$bed-report", impossible)
                #expect(refused.status == 400 && refused.json["issue"]?[0]?["expression"]?[0]?.stringValue == "occupied")
                let regime = try await w.call(client, "analyst", "/fhir/$regime?date=2026-11-30")
                #expect(regime.status == 200 && regime.json["parameter"]?.arrayValue?.count == 20)
                let almaty = (regime.json["parameter"]?.arrayValue ?? []).first { ($0["part"]?.arrayValue ?? []).contains { $0["valueCode"]?.stringValue == "750000000" } }
                let parts = almaty?["part"]?.arrayValue ?? []
                #expect(parts.first { $0["name"]?.stringValue == "occupancy" }?["valueDecimal"]?.numberLiteral == "95.0")
                #expect(parts.first { $0["name"]?.stringValue == "decision" }?["valueCode"]?.stringValue == "tighten")
                #expect(try await w.call(client, "doctor", "/fhir/$regime").status == 403)
            }
            try await w.audit.flush()
        }
    }
}
