import FHIRJSON
import FHIRStore

/// The primary-care organisations a person may choose (free choice, seed 002 process 1.1): those of the person's
/// region with room in an area that serves the person's age, nearest to the home first — what the citizen's
/// cabinet offers before `AttachmentService.attach` decides.
extension AttachmentService {
    /// One organisation to choose.
    public struct Choice: Sendable, Equatable {
        public var organization: String
        public var name: String
        /// Distance from the person's home, when both have coordinates.
        public var kilometres: Double?
        /// Free places in the areas that serve the person's age.
        public var room: Int
        /// The person is attached here now.
        public var current: Bool
    }

    /// Up to `limit` organisations with room (and the current one, with or without), nearest first.
    /// - Throws: 404 for an unknown person.
    public func choices(patient: String, limit: Int = 10) async throws -> [Choice] {
        try await repository.serviceTransaction { tx in
            guard let person = try await tx.read("Patient", patient) else { throw FHIRError.notFound("Patient", patient) }
            let home = Self.home(person.json)
            let age = Self.age(birthDate: person.json["birthDate"]?.stringValue, on: Self.today())
            let addresses = person.json["address"]?.arrayValue ?? []
            let state = (addresses.first { $0["use"]?.stringValue == "home" } ?? addresses.first)?["state"]?.stringValue
            let query = "type=http://densauluq.kz/fhir/CodeSystem/organization-type|phc" + (state.map { "&address-state:exact=\($0)" } ?? "")
            let current = try await Self.current(tx.sql, patient)?.organization
            var choices: [Choice] = []
            for org in try await tx.resources("Organization", matching: query) {
                var areas: [Area] = []
                for id in try await tx.ids("Location", matching: "organization=Organization/\(org.id)") {
                    if let l = try await tx.read("Location", id), let a = Area(l.json), a.capacity > 0, age.map(a.serves(age:)) ?? true { areas.append(a) }
                }
                let counts = try await Self.counts(tx.sql, areas: areas.map(\.id))
                let room = areas.reduce(0) { $0 + max(0, $1.capacity - (counts[$1.id] ?? 0)) }
                guard room > 0 || org.id == current else { continue }
                let point = (org.json["address"]?.arrayValue ?? []).lazy.compactMap(CareMap.coordinates).first
                let km = home.flatMap { h in point.map { CareMap.kilometres(h.latitude, h.longitude, $0.latitude, $0.longitude) } }
                choices.append(Choice(organization: org.id, name: org.json["name"]?.stringValue ?? org.id, kilometres: km, room: room,
                                      current: org.id == current))
            }
            choices.sort { ($0.kilometres ?? .infinity, $0.name) < ($1.kilometres ?? .infinity, $1.name) }
            return Array(choices.prefix(max(1, limit)))
        }
    }
}
