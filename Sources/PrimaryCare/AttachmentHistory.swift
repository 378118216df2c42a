import FHIRJSON
import FHIRStore
import Foundation

/// The attachments to an organisation and from it, latest first, as its registry staff see them: who came
/// (by choice, by moving, automatically), who left, to which area (the organisation's register of attached
/// people, РПН, seed 002 process 1.1).
extension AttachmentService {
    /// One attachment episode of the organisation.
    public struct HistoryEntry: Sendable, Equatable {
        public var patient: String
        public var name: String
        public var iin: String?
        public var area: String?
        public var since: String
        /// The end of the attachment; nil while it lasts.
        public var until: String?
        public var reason: String?
    }

    /// The organisation's attachment episodes, the most recently changed first.
    public func history(organization: String, limit: Int = 50) async throws -> [HistoryEntry] {
        try await repository.serviceTransaction { tx in
            let episodes = try await tx.resources("EpisodeOfCare", matching: "organization=Organization/\(organization)&type=\(Attachment.episodeTypeSystem)|attachment&_sort=-_lastUpdated&_count=\(max(1, min(limit, 500)))")
            // The people in one query, not one per episode.
            let ids = Set(episodes.compactMap { Attachment.id($0.json["patient"]?["reference"]?.stringValue, "Patient") })
            let people = ids.isEmpty ? [:] : Dictionary(try await tx.resources("Patient", matching: "_id=\(ids.sorted().joined(separator: ","))&_count=\(ids.count)")
                .map { ($0.id, $0.json) }, uniquingKeysWith: { a, _ in a })
            var out: [HistoryEntry] = []
            for e in episodes {
                guard let patient = Attachment.id(e.json["patient"]?["reference"]?.stringValue, "Patient") else { continue }
                let person = people[patient]
                let area = (e.json["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == Attachment.areaExtension }
                    .flatMap { Attachment.id($0["valueReference"]?["reference"]?.stringValue, "Location") }
                out.append(HistoryEntry(
                    patient: patient, name: person.map(Self.displayName) ?? patient,
                    iin: (person?["identifier"]?.arrayValue ?? []).first { $0["system"]?.stringValue == "http://densauluq.kz/fhir/sid/iin" }?["value"]?.stringValue,
                    area: area, since: e.json["period"]?["start"]?.stringValue ?? "", until: e.json["period"]?["end"]?.stringValue,
                    reason: (e.json["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == Attachment.reasonExtension }?["valueCode"]?.stringValue))
            }
            return out
        }
    }

    /// "Family Given" of a Patient's first name.
    static func displayName(_ patient: JSON) -> String {
        let name = patient["name"]?[0]
        let given = (name?["given"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: " ")
        let text = [name?["family"]?.stringValue ?? "", given].filter { !$0.isEmpty }.joined(separator: " ")
        return text.isEmpty ? (name?["text"]?.stringValue ?? "—") : text
    }

    /// The patient with this ИИН, nil when there is none.
    public func patient(iin: String) async throws -> String? {
        try await repository.serviceTransaction { tx in
            try await tx.ids("Patient", matching: "identifier=http://densauluq.kz/fhir/sid/iin|\(iin)").first
        }
    }
}
