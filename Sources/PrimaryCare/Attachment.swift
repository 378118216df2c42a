import FHIRJSON

/// A person's current attachment to primary care: the row of the `attachments` table that mirrors the active
/// `attachment` EpisodeOfCare (see docs/profiles.md).
public struct Attachment: Sendable, Equatable {
    public var patient: String
    public var organization: String
    public var area: String
    /// The EpisodeOfCare id.
    public var episode: String
    /// `YYYY-MM-DD`.
    public var since: String

    public static let episodeTypeSystem = "http://densauluq.kz/fhir/CodeSystem/episode-type"
    public static let areaExtension = "http://densauluq.kz/fhir/StructureDefinition/catchment-area"
    public static let capacityExtension = "http://densauluq.kz/fhir/StructureDefinition/catchment-area-capacity"
    public static let reasonExtension = "http://densauluq.kz/fhir/StructureDefinition/attachment-reason"
    public static let areaTypeSystem = "http://densauluq.kz/fhir/CodeSystem/catchment-area-type"

    public init(patient: String, organization: String, area: String, episode: String, since: String) {
        self.patient = patient
        self.organization = organization
        self.area = area
        self.episode = episode
        self.since = since
    }

    /// Whether a catchment area of `type` serves a person of `age`: GP areas everyone, therapeutic adults,
    /// paediatric children under 18 (an unknown age fits any).
    static func areaServes(type: String, age: Int?) -> Bool {
        guard let age else { return true }
        switch type {
        case "therapeutic": return age >= 18
        case "paediatric": return age < 18
        default: return true
        }
    }

    /// The attachment an active `attachment` EpisodeOfCare stands for; nil for other resources.
    public init?(episode json: JSON) {
        guard json["resourceType"]?.stringValue == "EpisodeOfCare", json["status"]?.stringValue == "active",
              let id = json["id"]?.stringValue,
              (json["type"]?.arrayValue ?? []).contains(where: { t in (t["coding"]?.arrayValue ?? []).contains { $0["system"]?.stringValue == Self.episodeTypeSystem && $0["code"]?.stringValue == "attachment" } }),
              let patient = Self.id(json["patient"]?["reference"]?.stringValue, "Patient"),
              let organization = Self.id(json["managingOrganization"]?["reference"]?.stringValue, "Organization"),
              let area = (json["extension"]?.arrayValue ?? []).first(where: { $0["url"]?.stringValue == Self.areaExtension })
                .flatMap({ Self.id($0["valueReference"]?["reference"]?.stringValue, "Location") })
        else { return nil }
        self.init(patient: patient, organization: organization, area: area, episode: id, since: json["period"]?["start"]?.stringValue ?? "")
    }

    /// The id of a relative reference of the given type (`Patient/1` → `1`), nil for another type or none.
    public static func id(_ reference: String?, _ type: String) -> String? {
        guard let reference, reference.hasPrefix(type + "/") else { return nil }
        return String(reference.dropFirst(type.count + 1))
    }

    /// The EpisodeOfCare for this attachment.
    func episodeResource(careManager: String?, reason: AttachmentService.Reason) -> JSON {
        var o = JSONObject()
        o["resourceType"] = "EpisodeOfCare"
        o["status"] = "active"
        o["type"] = [["coding": [["system": .string(Self.episodeTypeSystem), "code": "attachment", "display": "Прикрепление к ПМСП"]]]]
        o["patient"] = ["reference": .string("Patient/\(patient)")]
        o["managingOrganization"] = ["reference": .string("Organization/\(organization)")]
        if let careManager { o["careManager"] = ["reference": .string("Practitioner/\(careManager)")] }
        o["period"] = ["start": .string(since)]
        o["extension"] = [["url": .string(Self.areaExtension), "valueReference": ["reference": .string("Location/\(area)")]],
                          ["url": .string(Self.reasonExtension), "valueCode": .string(reason.rawValue)]]
        return .object(o)
    }
}
