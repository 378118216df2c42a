import FHIRJSON
import FHIRStore
import FHIRValidation
import Foundation
import PrimaryCare
import Testing

/// A small primary-care map for the attachment tests (coordinates in Almaty and Astana):
/// - `phc-a` at 43.25, 76.95: `a-gp` (GP, capacity 2, district doctor `pr-a`), `a-ped` (paediatric, capacity 1);
/// - `phc-b` at 43.30, 76.90 (about 7 km from A): `b-gp` (GP, capacity 3);
/// - `phc-far` in Astana: `far-gp` (GP, capacity 100);
/// - `hosp`, a hospital (not primary care);
/// - people `p1`…`p6` (adults living next to A), `c1` (a child next to A), `dead` (died), `nowhere` (no
///   coordinates), `astana` (an adult next to phc-far).
enum PrimaryCareWorld {
    static let episodeType = Attachment.episodeTypeSystem + "|attachment"

    /// The HTTP status of the `FHIRError` `body` throws; nil when it succeeds.
    static func status(_ body: () async throws -> Void) async -> Int? {
        do { try await body(); return nil } catch let e as FHIRError { return e.status } catch { return -1 }
    }

    static func load(_ repo: Repository) async throws {
        var entries: [JSON] = []
        func put(_ json: String) throws {
            let r = try JSONParser.parse(json)
            entries.append(["resource": r, "request": ["method": "PUT", "url": .string("\(r["resourceType"]?.stringValue ?? "")/\(r["id"]?.stringValue ?? "")")]])
        }
        func geo(_ lat: Double, _ lon: Double) -> String {
            #"{"use":"home","city":"Almaty","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/geolocation","extension":[{"url":"latitude","valueDecimal":\#(lat)},{"url":"longitude","valueDecimal":\#(lon)}]}]}"#
        }
        func organization(_ id: String, _ type: String, _ lat: Double, _ lon: Double) throws {
            try put(#"{"resourceType":"Organization","id":"\#(id)","active":true,"name":"\#(id)","type":[{"coding":[{"system":"http://densauluq.kz/fhir/CodeSystem/organization-type","code":"\#(type)"}]}],"address":[\#(geo(lat, lon))]}"#)
        }
        func area(_ id: String, _ org: String, _ type: String, _ capacity: Int) throws {
            try put(#"{"resourceType":"Location","id":"\#(id)","status":"active","name":"\#(id)","type":[{"coding":[{"system":"\#(Attachment.areaTypeSystem)","code":"\#(type)"}]}],"managingOrganization":{"reference":"Organization/\#(org)"},"extension":[{"url":"\#(Attachment.capacityExtension)","valueInteger":\#(capacity)}]}"#)
        }
        func person(_ id: String, birth: String, home: (Double, Double)?, deceased: Bool = false) throws {
            let iin = try #require((1...50).lazy.compactMap { IIN.make(birthDate: birth, sex: "female", serial: $0 + id.count * 50) }.first)
            let address = home.map { ",\"address\":[\(geo($0.0, $0.1))]" } ?? ""
            let died = deceased ? ",\"deceasedDateTime\":\"2026-01-05\"" : ""
            try put(#"{"resourceType":"Patient","id":"\#(id)","identifier":[{"system":"\#(IIN.system)","value":"\#(iin)"}],"name":[{"family":"\#(id)"}],"gender":"female","birthDate":"\#(birth)"\#(died)\#(address)}"#)
        }
        try organization("phc-a", "phc", 43.25, 76.95)
        try organization("phc-b", "phc", 43.30, 76.90)
        try organization("phc-far", "phc", 51.13, 71.43)
        try organization("hosp", "hospital", 43.25, 76.95)
        try area("a-gp", "phc-a", "gp", 2)
        try area("a-ped", "phc-a", "paediatric", 1)
        try area("b-gp", "phc-b", "gp", 3)
        try area("far-gp", "phc-far", "gp", 100)
        try put(#"{"resourceType":"Practitioner","id":"pr-a","name":[{"family":"Doctor"}]}"#)
        try put(#"{"resourceType":"PractitionerRole","id":"prr-a","practitioner":{"reference":"Practitioner/pr-a"},"organization":{"reference":"Organization/phc-a"},"location":[{"reference":"Location/a-gp"}],"code":[{"coding":[{"system":"http://densauluq.kz/fhir/CodeSystem/specialty","code":"district-doctor"}]}]}"#)
        for i in 1...6 { try person("p\(i)", birth: "198\(i)-03-0\(i)", home: (43.251 + Double(i) * 0.0001, 76.951)) }
        try person("c1", birth: "2020-05-05", home: (43.252, 76.952))
        try person("dead", birth: "1940-01-01", home: (43.25, 76.95), deceased: true)
        try person("nowhere", birth: "1990-01-01", home: nil)
        try person("astana", birth: "1991-01-01", home: (51.12, 71.42))
        _ = try await repo.process(bundle: ["resourceType": "Bundle", "type": "transaction", "entry": .array(entries)], baseURL: "urn:test")
    }

    /// The person's EpisodeOfCare attachments: (status, organisation, start, end).
    static func episodes(_ repo: Repository, _ patient: String) async throws -> [(status: String, organization: String, start: String, end: String?)] {
        let bundle = try await repo.search(type: "EpisodeOfCare", parameters: [("patient", "Patient/\(patient)"), ("type", episodeType), ("_count", "100")], baseURL: "urn:test")
        return (bundle["entry"]?.arrayValue ?? []).compactMap { e in
            let r = e["resource"]
            guard let status = r?["status"]?.stringValue, let org = r?["managingOrganization"]?["reference"]?.stringValue else { return nil }
            return (status, org, r?["period"]?["start"]?.stringValue ?? "", r?["period"]?["end"]?.stringValue)
        }
    }

    /// The rows of the `attachments` table of a person (the table allows at most one).
    static func rows(_ repo: Repository, _ patient: String) async throws -> Int {
        try await repo.database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM attachments WHERE patient = \(bind: patient)").all().first?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    static func attachedTo(_ repo: Repository, area: String) async throws -> Int {
        try await repo.database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM attachments WHERE area = \(bind: area)").all().first?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
