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

/// The FHIR API behind bearer tokens, with every request in the audit trail.
@Suite struct AuthenticatedAPITests {
    @Test(arguments: TestDatabase.available)
    func tokensAreRequiredAndAccessIsAudited(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let accounts = AccountStore(database: repo.database, hasher: PasswordHasher(cost: 4))
            let doctor = try await accounts.add(NewAccount(username: "dr.kim", password: "correct horse", role: .clinician, organization: "org-1"))
            let tokens = try await TokenService.make(accounts: accounts, secret: String(repeating: "s", count: 40))
            let audit = AuditLog(database: repo.database)
            let app = Application(router: ServerApplication.router(repository: repo, tokens: tokens, audit: audit))
            let access = try await tokens.signIn(username: "dr.kim", password: "correct horse").accessToken
            _ = try await repo.update(type: "Organization", id: "org-1", resource: ["resourceType": "Organization", "id": "org-1", "name": "Clinic 1"])
            try await app.test(.router) { client in
                let anonymous = try await client.execute(uri: "/fhir/Patient", method: .get)
                #expect(anonymous.status == .unauthorized)
                #expect(anonymous.headers[.wwwAuthenticate] == "Bearer realm=\"densauluq\"")
                #expect(HTTPTests.body(anonymous)["resourceType"]?.stringValue == "OperationOutcome")
                let forged = try await client.execute(uri: "/fhir/Patient", method: .get, headers: [.authorization: "Bearer " + access.dropLast(2) + "xx"])
                #expect(forged.status == .unauthorized && forged.headers[.wwwAuthenticate]?.contains("invalid_token") == true)
                #expect(try await client.execute(uri: "/fhir/metadata", method: .get).status == .ok)

                let auth: HTTPFields = [.authorization: "Bearer " + access, .contentType: "application/fhir+json"]
                let created = try await client.execute(uri: "/fhir/Patient", method: .post, headers: auth,
                                                       body: ByteBuffer(string: #"{"resourceType":"Patient","name":[{"family":"Seitkali"}],"generalPractitioner":[{"reference":"Organization/org-1"}]}"#))
                #expect(created.status == .created)
                let id = try #require(HTTPTests.body(created)["id"]?.stringValue)
                #expect(try await client.execute(uri: "/fhir/Patient/\(id)", method: .get, headers: auth).status == .ok)
                #expect(try await client.execute(uri: "/fhir/Observation?subject=Patient/\(id)", method: .get, headers: auth).status == .ok)
            }
            try await audit.shutdown()
            // Who touched this record: the clinician's create (the patient of a write comes from what was written),
            // read and search.
            let entries = try await audit.entries(patient: try #require(try await Self.patientId(repo)))
            #expect(entries.map(\.action) == ["search", "read", "create"])
            #expect(entries.allSatisfy { $0.actor == doctor.id && $0.role == "clinician" && $0.organization == "org-1" && [200, 201].contains($0.outcome) })
            let report = try await AuditVerifier.verify(repo.database)
            #expect(report.broken == nil && report.rows == 5)   // two refusals, create, read, search; metadata is not audited
            let refusals = try await repo.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM audit_log WHERE outcome = 401 AND actor = 'anonymous'").all().first?.decode(column: "n", as: Int.self)
            }
            #expect(refusals == 2)
        }
    }

    static func patientId(_ repo: Repository) async throws -> String? {
        let bundle = try await repo.search(type: "Patient", parameters: [], baseURL: "http://test/fhir")
        return bundle["entry"]?.arrayValue?.first?["resource"]?["id"]?.stringValue
    }
}
