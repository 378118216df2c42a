import FHIRJSON
import FHIRStore
import Foundation

/// An organisation's catchment areas (участки) as its administrator manages them: each area's type, capacity and
/// how many people are attached, and changing the capacity (seed 002, process 1.1: attachment within capacity).
public struct CatchmentAreas: Sendable {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// One area with its load.
    public struct Summary: Sendable, Equatable {
        public var id: String
        public var name: String
        /// `gp`, `therapeutic` or `paediatric`.
        public var type: String
        public var capacity: Int
        public var attached: Int
    }

    /// The largest capacity an area may be given: a safeguard against a typing error (the norm is 1,500–2,200 people).
    public static let maximumCapacity = 10_000

    /// The organisation's areas, by name.
    public func list(organization: String) async throws -> [Summary] {
        try await repository.serviceTransaction { tx in
            let locations = try await tx.resources("Location", matching: "organization=Organization/\(organization)&_count=1000")
            let areas = locations.compactMap { l in AttachmentService.Area(l.json).map { (l, $0) } }
                .filter { l, _ in (l.json["extension"]?.arrayValue ?? []).contains { $0["url"]?.stringValue == Attachment.capacityExtension } }
            let counts = try await AttachmentService.counts(tx.sql, areas: areas.map(\.1.id))
            return areas.map { l, a in
                Summary(id: a.id, name: l.json["name"]?.stringValue ?? a.id, type: a.type, capacity: a.capacity, attached: counts[a.id] ?? 0)
            }.sorted { ($0.name.count, $0.name) < ($1.name.count, $1.name) }
        }
    }

    /// Sets an area's capacity.
    /// - Throws: 404 for an area that is not the organisation's; 422 for a capacity outside 0…`maximumCapacity` or
    ///   below the number of people already attached (they keep their attachment; lower it after they move).
    @discardableResult
    public func setCapacity(area id: String, organization: String, capacity: Int) async throws -> Summary {
        guard (0...Self.maximumCapacity).contains(capacity) else {
            throw FHIRError(422, "business-rule", "A capacity is a whole number from 0 to \(Self.maximumCapacity), not \(capacity)", expression: "capacity")
        }
        return try await repository.serviceTransaction { tx in
            guard let stored = try await tx.readForUpdate("Location", [id])[id], let area = AttachmentService.Area(stored.json),
                  area.organization == organization, case .object(var o) = stored.json else {
                throw FHIRError.notFound("Location", id)
            }
            let attached = try await AttachmentService.counts(tx.sql, areas: [id])[id] ?? 0
            guard capacity >= attached else {
                throw FHIRError(422, "business-rule", "Location/\(id) has \(attached) people attached: its capacity cannot be \(capacity)", expression: "capacity")
            }
            var extensions = (o["extension"]?.arrayValue ?? []).filter { $0["url"]?.stringValue != Attachment.capacityExtension }
            extensions.append(["url": .string(Attachment.capacityExtension), "valueInteger": .number(String(capacity))])
            o["extension"] = .array(extensions)
            _ = try await tx.update("Location", id, .object(o))
            return Summary(id: id, name: o["name"]?.stringValue ?? id, type: area.type, capacity: capacity, attached: attached)
        }
    }
}
