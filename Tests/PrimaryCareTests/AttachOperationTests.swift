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
import PrimaryCare
import PrimaryCareAPI
import Testing

/// `$attach`, `$detach` and `$auto-attach` through the HTTP API with real tokens: who may call them, the
/// OperationOutcome of bad input, and the audit trail.
@Suite struct AttachOperationTests {
    struct World {
        let repo: Repository
        let audit: AuditLog
        var token: [String: String] = [:]

        init(_ repo: Repository) async throws {
            self.repo = repo
            try await PrimaryCareWorld.load(repo)
            let accounts = AccountStore(database: repo.database, hasher: PasswordHasher(cost: 4))
            tokens = try await TokenService.make(accounts: accounts, secret: String(repeating: "s", count: 40))
            audit = AuditLog(database: repo.database, flushInterval: .milliseconds(20))
            let iin = try #require(try await repo.read(type: "Patient", id: "p1").json["identifier"]?[0]?["value"]?.stringValue)
            let people: [(String, NewAccount)] = [
                ("p1", NewAccount(username: "p1", password: "pw-citizen-long-enough", role: .citizen, iin: iin)),
                ("adminB", NewAccount(username: "admin.b", password: "pw-admin-long-enough", role: .organizationAdmin, organization: "phc-b")),
                ("doctorA", NewAccount(username: "dr.a", password: "pw-doctor-long-enough", role: .clinician, organization: "phc-a", practitioner: "pr-a")),
                ("analyst", NewAccount(username: "analyst", password: "pw-analyst-long-enough", role: .analyst)),
                ("root", NewAccount(username: "root", password: "pw-root-long-enough", role: .systemAdmin)),
            ]
            for (name, new) in people {
                _ = try await accounts.add(new)
                token[name] = try await tokens.signIn(username: new.username, password: new.password).accessToken
            }
        }
        let tokens: TokenService

        func app() -> some ApplicationProtocol {
            Application(router: ServerApplication.router(repository: repo, tokens: tokens, audit: audit,
                                                         operations: PrimaryCareOperations.all(repository: repo)))
        }

        func call(_ client: some TestClientProtocol, _ who: String, _ uri: String, _ body: String? = nil) async throws -> (status: Int, json: JSON) {
            var headers: HTTPFields = [.authorization: "Bearer " + (token[who] ?? "none")]
            if body != nil { headers[.contentType] = "application/fhir+json" }
            let r = try await client.execute(uri: uri, method: .post, headers: headers, body: body.map { ByteBuffer(string: $0) })
            return (Int(r.status.code), (try? JSONParser.parse(Array(r.body.readableBytesView))) ?? .null)
        }
    }

    static func parameters(organization: String, area: String? = nil, reason: String? = nil) -> String {
        var parts = [#"{"name":"organization","valueReference":{"reference":"Organization/\#(organization)"}}"#]
        if let area { parts.append(#"{"name":"area","valueReference":{"reference":"Location/\#(area)"}}"#) }
        if let reason { parts.append(#"{"name":"reason","valueCode":"\#(reason)"}"#) }
        return #"{"resourceType":"Parameters","parameter":[\#(parts.joined(separator: ","))]}"#
    }

    @Test(arguments: TestDatabase.available)
    func aCitizenAttachesHerselfAndSeesTheHistoryButNobodyElse(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let world = try await World(repo)
            try await world.app().test(.router) { client in
                let attached = try await world.call(client, "p1", "/fhir/Patient/p1/$attach", Self.parameters(organization: "phc-a"))
                #expect(attached.status == 200)
                #expect(attached.json["resourceType"]?.stringValue == "EpisodeOfCare" && attached.json["status"]?.stringValue == "active")
                // Her own transfer within the year needs a reason other than free choice.
                let again = try await world.call(client, "p1", "/fhir/Patient/p1/$attach", Self.parameters(organization: "phc-b"))
                #expect(again.status == 409 && again.json["resourceType"]?.stringValue == "OperationOutcome")
                let moved = try await world.call(client, "p1", "/fhir/Patient/p1/$attach", Self.parameters(organization: "phc-b", reason: "relocation"))
                #expect(moved.status == 200)
                // Another person: refused, and nothing written.
                let other = try await world.call(client, "p1", "/fhir/Patient/p2/$attach", Self.parameters(organization: "phc-a"))
                #expect(other.status == 403 || other.status == 404)
                #expect(try await AttachmentService(repository: repo).current(patient: "p2") == nil)
                // She reads her history with a plain FHIR search.
                let history = try await client.execute(uri: "/fhir/EpisodeOfCare?patient=Patient/p1", method: .get,
                                                       headers: [.authorization: "Bearer " + (world.token["p1"] ?? "")])
                let entries = (try JSONParser.parse(Array(history.body.readableBytesView)))["entry"]?.arrayValue ?? []
                #expect(entries.compactMap { $0["resource"]?["status"]?.stringValue }.sorted() == ["active", "finished"])
            }
            try await world.audit.flush()
            let trail = try await world.audit.entries(patient: "p1")
            #expect(trail.filter { $0.action == "$attach" && $0.outcome == 200 }.count == 2)
            #expect(trail.contains { $0.action == "$attach" && $0.outcome == 409 })
        }
    }

    @Test(arguments: TestDatabase.available)
    func staffActOnlyForTheirOwnOrganisation(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let world = try await World(repo)
            try await world.app().test(.router) { client in
                // The administrator of B takes an application to B, not to A.
                #expect(try await world.call(client, "adminB", "/fhir/Patient/p2/$attach", Self.parameters(organization: "phc-a")).status == 403)
                #expect(try await world.call(client, "adminB", "/fhir/Patient/p2/$attach", Self.parameters(organization: "phc-b")).status == 200)
                // A's doctor cannot detach a patient of B; B's administrator can.
                #expect(try await world.call(client, "doctorA", "/fhir/Patient/p2/$detach").status == 403)
                #expect(try await world.call(client, "analyst", "/fhir/Patient/p2/$detach").status == 403)
                let detached = try await world.call(client, "adminB", "/fhir/Patient/p2/$detach")
                #expect(detached.status == 200 && detached.json["status"]?.stringValue == "finished")
                // Only a system administrator runs the automatic assignment.
                #expect(try await world.call(client, "adminB", "/fhir/$auto-attach").status == 403)
                let auto = try await world.call(client, "root", "/fhir/$auto-attach")
                #expect(auto.status == 200)
                let attached = (auto.json["parameter"]?.arrayValue ?? []).first { $0["name"]?.stringValue == "attached" }?["valueInteger"]?.intValue
                #expect(attached == 8)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func badInputGetsAnOperationOutcomeNamingTheParameter(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let world = try await World(repo)
            try await world.app().test(.router) { client in
                let missing = try await world.call(client, "root", "/fhir/Patient/p1/$attach", #"{"resourceType":"Parameters","parameter":[]}"#)
                #expect(missing.status == 400)
                #expect(missing.json["issue"]?[0]?["expression"]?[0]?.stringValue == "organization")
                let wrongType = try await world.call(client, "root", "/fhir/Patient/p1/$attach",
                                                     #"{"resourceType":"Parameters","parameter":[{"name":"organization","valueReference":{"reference":"Patient/p2"}}]}"#)
                #expect(wrongType.status == 400)
                #expect(wrongType.json["issue"]?[0]?["expression"]?[0]?.stringValue == "Parameters.parameter[0]")
                let badReason = try await world.call(client, "root", "/fhir/Patient/p1/$attach", Self.parameters(organization: "phc-a", reason: "whim"))
                #expect(badReason.status == 400)
                let notParameters = try await world.call(client, "root", "/fhir/Patient/p1/$attach", #"{"resourceType":"Patient"}"#)
                #expect(notParameters.status == 400)
                let full = try await world.call(client, "root", "/fhir/Patient/p1/$attach", Self.parameters(organization: "phc-a", area: "a-ped"))
                #expect(full.status == 422)
                let unknown = try await world.call(client, "root", "/fhir/Patient/p1/$nonsense", Self.parameters(organization: "phc-a"))
                #expect(unknown.status == 404)
                // A change of state cannot be made with GET.
                let get = try await client.execute(uri: "/fhir/Patient/p1/$attach?organization=Organization/phc-a", method: .get,
                                                   headers: [.authorization: "Bearer " + (world.token["root"] ?? "")])
                #expect(get.status == .methodNotAllowed)
                // The CapabilityStatement lists the operations.
                let metadata = try await client.execute(uri: "/fhir/metadata", method: .get)
                let statement = try JSONParser.parse(Array(metadata.body.readableBytesView))
                let patient = (statement["rest"]?[0]?["resource"]?.arrayValue ?? []).first { $0["type"]?.stringValue == "Patient" }
                #expect(Set((patient?["operation"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }) == ["attach", "detach", "request-home-visit", "everything", "validate", "export"])
                #expect((statement["rest"]?[0]?["operation"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue } == ["export", "auto-attach"])
            }
            #expect(try await AttachmentService(repository: repo).current(patient: "p1") == nil)
        }
    }
}
