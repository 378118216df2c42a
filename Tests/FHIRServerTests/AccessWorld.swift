import Audit
import FHIRJSON
import FHIRServer
import FHIRStore
import FHIRValidation
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Testing

/// A small health system for the access tests: two clinics and a pharmacy, a mother with a child (and a son who
/// has come of age), a stranger with a notifiable disease in Almaty, a visitor from Astana whom the clinician of
/// clinic A saw once, and one account of every role.
struct AccessWorld {
    let repo: Repository
    let tokens: TokenService
    let audit: AuditLog
    /// Access token per principal name (`citizen`, `clinician`, …, `client`).
    var token: [String: String] = [:]
    /// Account ids by principal name.
    var accountId: [String: String] = [:]
    let motherIIN: String

    static let principals = ["citizen", "clinician", "pharmacist", "epidemiologist", "analyst", "orgAdmin", "systemAdmin", "client"]

    init(_ repo: Repository) async throws {
        self.repo = repo
        let accounts = AccountStore(database: repo.database, hasher: PasswordHasher(cost: 4))
        tokens = try await TokenService.make(accounts: accounts, secret: String(repeating: "k", count: 40))
        audit = AuditLog(database: repo.database, flushInterval: .milliseconds(20))
        motherIIN = try #require(Self.iin("1985-04-12", "female"))
        try await Self.load(repo, motherIIN: motherIIN)

        let people: [(String, NewAccount)] = [
            ("citizen", NewAccount(username: "aigerim", password: "pw-citizen-long-enough", role: .citizen, iin: motherIIN)),
            ("clinician", NewAccount(username: "dr.a", password: "pw-clinician-long-enough", role: .clinician, organization: "org-a", practitioner: "pr-a")),
            ("pharmacist", NewAccount(username: "pharm", password: "pw-pharm-long-enough", role: .pharmacist, organization: "org-p")),
            ("epidemiologist", NewAccount(username: "epi", password: "pw-epi-long-enough", role: .epidemiologist, region: "Almaty")),
            ("analyst", NewAccount(username: "analyst", password: "pw-analyst-long-enough", role: .analyst)),
            ("orgAdmin", NewAccount(username: "admin.a", password: "pw-admin-long-enough", role: .organizationAdmin, organization: "org-a")),
            ("systemAdmin", NewAccount(username: "root", password: "pw-root-long-enough", role: .systemAdmin)),
        ]
        for (name, new) in people {
            accountId[name] = try await accounts.add(new).id
            token[name] = try await tokens.signIn(username: new.username, password: new.password).accessToken
        }
        let (client, secret) = try await ClientStore(database: repo.database).add(name: "MIS of clinic B", organization: "org-b", scopes: ["system/*.read", "system/*.write"])
        token["client"] = try await tokens.clientCredentials(clientId: client.id, secret: secret, scope: nil).accessToken
    }

    static func iin(_ birthDate: String, _ sex: String) -> String? {
        (1...50).lazy.compactMap { IIN.make(birthDate: birthDate, sex: sex, serial: $0) }.first
    }

    /// Loads the records unrestricted, as an import would.
    static func load(_ repo: Repository, motherIIN: String) async throws {
        func patient(_ id: String, _ birth: String, _ sex: String, _ org: String, _ state: String, iin: String? = nil) throws -> String {
            let identifier = try iin ?? #require(Self.iin(birth, sex))
            return """
            {"resourceType":"Patient","id":"\(id)","identifier":[{"system":"\(IIN.system)","value":"\(identifier)"}],
             "name":[{"family":"\(id)"}],"gender":"\(sex)","birthDate":"\(birth)",
             "generalPractitioner":[{"reference":"Organization/\(org)"}],"address":[{"state":"\(state)"}]}
            """
        }
        func observation(_ id: String, _ patient: String, category: String, performer: String? = nil) -> String {
            let by = performer.map { #","performer":[{"reference":"\#($0)"}]"# } ?? ""
            return """
            {"resourceType":"Observation","id":"\(id)","status":"final"\(by),
             "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"\(category)"}]}],
             "code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},"subject":{"reference":"Patient/\(patient)"}}
            """
        }
        func condition(_ id: String, _ patient: String, system: String, code: String) -> String {
            """
            {"resourceType":"Condition","id":"\(id)","code":{"coding":[{"system":"\(system)","code":"\(code)"}]},
             "subject":{"reference":"Patient/\(patient)"}}
            """
        }
        func related(_ id: String, _ child: String, _ code: String) -> String {
            """
            {"resourceType":"RelatedPerson","id":"\(id)","patient":{"reference":"Patient/\(child)"},
             "identifier":[{"system":"\(IIN.system)","value":"\(motherIIN)"}],
             "relationship":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-RoleCode","code":"\(code)"}]}]}
            """
        }
        let snomed = "http://snomed.info/sct"
        let resources: [String] = [
            #"{"resourceType":"Organization","id":"org-a","name":"Clinic A"}"#,
            #"{"resourceType":"Organization","id":"org-b","name":"Clinic B"}"#,
            #"{"resourceType":"Organization","id":"org-p","name":"Pharmacy"}"#,
            #"{"resourceType":"Practitioner","id":"pr-a","name":[{"family":"Doctor A"}]}"#,
            try patient("mother", "1985-04-12", "female", "org-a", "Almaty", iin: motherIIN),
            try patient("child", "2018-06-01", "male", "org-b", "Almaty"),
            try patient("grown", "2000-01-01", "male", "org-b", "Almaty"),
            try patient("stranger", "1970-02-03", "male", "org-b", "Almaty"),
            try patient("visitor", "1990-05-05", "female", "org-b", "Astana"),
            related("rp-child", "child", "MTH"),
            related("rp-grown", "grown", "MTH"),
            // Performed by another patient: `_include=Observation:performer` must not open the stranger's record.
            observation("obs-mother", "mother", category: "vital-signs", performer: "Patient/stranger"),
            observation("obs-child", "child", category: "vital-signs"),
            observation("obs-stranger-lab", "stranger", category: "laboratory"),
            observation("obs-stranger-vital", "stranger", category: "vital-signs"),
            observation("obs-visitor", "visitor", category: "laboratory"),
            condition("cond-stranger-covid", "stranger", system: snomed, code: "840539006"),
            condition("cond-stranger-htn", "stranger", system: snomed, code: "38341003"),
            condition("cond-visitor-tb", "visitor", system: "http://hl7.org/fhir/sid/icd-10", code: "A15.0"),
            """
            {"resourceType":"Encounter","id":"enc-visitor","status":"finished","class":{"code":"AMB"},
             "subject":{"reference":"Patient/visitor"},"participant":[{"individual":{"reference":"Practitioner/pr-a"}}],
             "serviceProvider":{"reference":"Organization/org-b"}}
            """,
            """
            {"resourceType":"MedicationRequest","id":"mr-stranger","status":"active","intent":"order",
             "medicationCodeableConcept":{"text":"Amoxicillin 500 mg"},"subject":{"reference":"Patient/stranger"}}
            """,
            """
            {"resourceType":"MeasureReport","id":"report-2026","status":"complete","type":"summary",
             "measure":"http://densauluq.kz/Measure/screening-coverage","period":{"start":"2026-01-01","end":"2026-06-30"}}
            """,
        ]
        for text in resources {
            let json = try JSONParser.parse(Array(text.utf8))
            let type = try #require(json["resourceType"]?.stringValue)
            let id = try #require(json["id"]?.stringValue)
            _ = try await repo.update(type: type, id: id, resource: json)
        }
    }

    /// One request as `principal`; the status and the parsed body.
    func call(_ client: some TestClientProtocol, _ principal: String, _ method: HTTPRequest.Method, _ uri: String,
              body: String? = nil, reason: String? = nil, headers extra: HTTPFields = [:]) async throws -> (status: Int, json: JSON) {
        var headers: HTTPFields = [.authorization: "Bearer " + (token[principal] ?? "none")]
        if body != nil { headers[.contentType] = "application/fhir+json" }
        for field in extra { headers[field.name] = field.value }
        if let reason { headers[HTTPField.Name("X-Access-Reason")!] = reason }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return (Int(response.status.code), HTTPTests.body(response))
    }

    /// `Type/id` of every resource entry of a Bundle (matches and includes), sorted.
    static func refs(_ bundle: JSON) -> [String] {
        (bundle["entry"]?.arrayValue ?? []).compactMap { e -> String? in
            guard let r = e["resource"], let t = r["resourceType"]?.stringValue, t != "OperationOutcome", let id = r["id"]?.stringValue else { return nil }
            return t + "/" + id
        }.sorted()
    }

    /// Every resource in the store, unrestricted, to show that refused writes left nothing behind.
    func snapshot() async throws -> [String] {
        try await repo.database.read { db in
            try await db.raw("SELECT res_type, res_id, version_id FROM resources ORDER BY res_type, res_id").all().map {
                "\(try $0.decode(column: "res_type", as: String.self))/\(try $0.decode(column: "res_id", as: String.self))@\(try $0.decode(column: "version_id", as: Int.self))"
            }
        }
    }
}
