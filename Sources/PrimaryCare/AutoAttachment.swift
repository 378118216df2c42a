import FHIRJSON
import FHIRStore
import Foundation
import SQLKit

/// Automatic assignment of unattached people (seed 002, process 1.1): each living person without an attachment
/// goes to the nearest primary-care organisation, from their home coordinates, that has a catchment area serving
/// their age with room. Works in batches, one transaction each, so that a million people take a bounded amount of
/// memory and a crash loses at most one batch; it can run while citizens attach themselves.
extension AttachmentService {
    /// What an automatic assignment did.
    public struct AutoAssignReport: Sendable, Equatable {
        public var attached = 0
        /// Living unattached people with no organisation with room anywhere.
        public var noRoom = 0
        /// Living unattached people without home coordinates.
        public var noCoordinates = 0
        public var seconds = 0.0
    }

    /// Attaches every unattached living person with home coordinates to the nearest organisation with room.
    /// - Parameters:
    ///   - batchSize: people per transaction.
    ///   - progress: called after each batch with the report so far.
    public func autoAssign(on date: String = Self.today(), batchSize: Int = 1000,
                           progress: @Sendable (AutoAssignReport) -> Void = { _ in }) async throws -> AutoAssignReport {
        let started = Date()
        var report = AutoAssignReport()
        var map = try await repository.serviceTransaction { tx in try await CareMap.load(tx) }
        // A person passed over because a concurrent attachment filled the chosen area is taken again in another pass.
        var pass = 0
        var retry = true
        while retry && pass < 5 {
            retry = false
            pass += 1
            var after: String?
            while true {
                let (batchMap, batchAfter) = (map, after)
                let outcome = try await repository.serviceTransaction { tx in
                    try await Self.assignBatch(tx, map: batchMap, after: batchAfter, limit: batchSize, date: date)
                }
                map = outcome.map
                report.attached += outcome.attached
                report.noRoom += outcome.noRoom
                report.noCoordinates += outcome.noCoordinates
                retry = retry || outcome.retry
                progress(report)
                guard let last = outcome.last else { break }
                after = last
            }
            if retry { report.noRoom = 0; report.noCoordinates = 0 }
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    struct BatchOutcome: Sendable {
        var map: CareMap
        var attached = 0, noRoom = 0, noCoordinates = 0
        var retry = false
        /// The last person id seen; nil when there were none.
        var last: String?
    }

    /// Assigns one batch of unattached people after `after` (by id).
    static func assignBatch(_ tx: StoreTransaction, map: CareMap, after: String?, limit: Int, date: String) async throws -> BatchOutcome {
        var map = map
        let unattached: SQLQueryString = "NOT EXISTS (SELECT 1 FROM attachments a WHERE a.patient = r.res_id)"
        // The people's rows locked as they are read (FOR UPDATE on PostgreSQL; SQLite has one writer), then who was
        // attached meanwhile: a concurrent $attach either committed before (and is seen here) or waits for this
        // batch and then sees its attachment. $attach takes its person's row lock before any area lock, as this
        // does, so neither waits on the other in a cycle.
        let people = try await tx.scan("Patient", after: after, limit: limit, condition: unattached, forUpdate: true)
        var outcome = BatchOutcome(map: map, last: people.last?.id)
        guard !people.isEmpty else { return outcome }
        let ids = people.map(\.id)
        let locked = Dictionary(people.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let attachedMeanwhile = Set(try await tx.sql.raw("SELECT patient FROM attachments WHERE patient IN (\(binds: ids))").all()
            .map { try $0.decode(column: "patient", as: String.self) })
        let current = locked.filter { !attachedMeanwhile.contains($0.key) }
        var plan: [(person: StoredResource, area: Int)] = []
        for id in ids {
            guard let person = current[id], person.json["active"]?.boolValue != false,
                  person.json["deceasedDateTime"] == nil, person.json["deceasedBoolean"]?.boolValue != true else { continue }
            guard let home = Self.home(person.json) else { outcome.noCoordinates += 1; continue }
            let age = Self.age(birthDate: person.json["birthDate"]?.stringValue, on: date)
            guard let area = map.nearestArea(latitude: home.latitude, longitude: home.longitude, age: age) else { outcome.noRoom += 1; continue }
            map.areas[area].attached += 1
            plan.append((person, area))
        }
        // Lock the chosen areas in id order (as $attach does) and check their counts against the database: a person
        // attached elsewhere since the map was loaded may have filled one.
        let chosen = Set(plan.map(\.area)).sorted { map.areas[$0].id < map.areas[$1].id }
        for a in chosen { try await tx.lock("area:" + map.areas[a].id) }
        let counts = try await counts(tx.sql, areas: chosen.map { map.areas[$0].id })
        var planned: [Int: Int] = [:]
        for p in plan { planned[p.area, default: 0] += 1 }
        var full = Set<Int>()
        for a in chosen {
            let inDatabase = counts[map.areas[a].id] ?? 0
            if inDatabase + (planned[a] ?? 0) > map.areas[a].capacity { full.insert(a) }
            // The map now counts what the database holds plus this batch.
            map.areas[a].attached = inDatabase + (planned[a] ?? 0)
        }
        if !full.isEmpty {
            for a in full { map.areas[a].attached = counts[map.areas[a].id] ?? 0 }
            outcome.retry = true
            plan.removeAll { full.contains($0.area) }
        }
        // Write: a new episode per person, the Patient's generalPractitioner, the attachments rows.
        var writes: [StoreTransaction.Write] = []
        for (person, a) in plan {
            let area = map.areas[a]
            let organization = map.sites[area.site].organization
            writes.append(.init("EpisodeOfCare", Attachment(patient: person.id, organization: organization, area: area.id, episode: "", since: date)
                .episodeResource(careManager: area.doctor, reason: .automatic)))
        }
        let episodes = try await tx.write(writes)
        var updates: [StoreTransaction.Write] = []
        var rows: [Attachment] = []
        for ((person, a), episode) in zip(plan, episodes) {
            let organization = map.sites[map.areas[a].site].organization
            rows.append(Attachment(patient: person.id, organization: organization, area: map.areas[a].id, episode: episode.id, since: date))
            if case .object(var p) = person.json {
                p["generalPractitioner"] = [["reference": .string("Organization/\(organization)")]]
                updates.append(.init("Patient", id: person.id, .object(p)))
            }
        }
        _ = try await tx.write(updates)
        try await record(tx.sql, rows)
        outcome.attached = rows.count
        outcome.map = map
        return outcome
    }

    /// Records many current attachments with multi-row statements.
    static func record(_ db: any SQLDatabase, _ rows: [Attachment]) async throws {
        for chunk in stride(from: 0, to: rows.count, by: 200).map({ Array(rows[$0..<min($0 + 200, rows.count)]) }) {
            var values: [SQLQueryString] = []
            for a in chunk { values.append("(\(bind: a.patient), \(bind: a.organization), \(bind: a.area), \(bind: a.episode), \(bind: a.since))") }
            try await db.raw("INSERT INTO attachments (patient, organization, area, episode, since) VALUES "
                             + values.joined(separator: ", ")).run()
        }
    }

    /// Home coordinates: the geolocation extension of the home address (else the first address that has one).
    static func home(_ person: JSON) -> (latitude: Double, longitude: Double)? {
        let addresses = person["address"]?.arrayValue ?? []
        let ordered = addresses.filter { $0["use"]?.stringValue == "home" } + addresses.filter { $0["use"]?.stringValue != "home" }
        for address in ordered {
            if let point = CareMap.coordinates(address) { return point }
        }
        return nil
    }
}
