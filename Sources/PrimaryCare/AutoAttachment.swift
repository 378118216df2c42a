import FHIRJSON
import FHIRStore
import Foundation
import SQLKit

/// Automatic assignment of unattached people (seed 002, process 1.1): each living person without an attachment
/// goes to the nearest primary-care organisation, from their home coordinates, that has a catchment area serving
/// their age with room. Works in batches, one transaction each, so that a million people take a bounded amount of
/// memory and a crash loses at most one batch; it can run while citizens attach themselves.
///
/// On PostgreSQL several workers take disjoint ranges of people at once (one computes while another's batch is in
/// the database); they plan on one shared `AutoAssignPlanner`, so two never count the same free place twice.
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
    ///   - workers: batches in flight at once; nil chooses (one on SQLite, which has one writer; on PostgreSQL
    ///     one per processor, at least two, when there are enough people to share).
    ///   - progress: called after each batch with the report so far.
    public func autoAssign(on date: String = Self.today(), batchSize: Int = 1000, workers: Int? = nil,
                           progress: @escaping @Sendable (AutoAssignReport) -> Void = { _ in }) async throws -> AutoAssignReport {
        let started = Date()
        let map = try await repository.serviceTransaction { tx in try await CareMap.load(tx) }
        let planner = AutoAssignPlanner(map: map, repository: repository)
        let ranges = try await repository.database.read { db in
            try await Self.ranges(db, workers: workers ?? Self.defaultWorkers(repository.database.kind),
                                  minimum: workers == nil ? 10 * batchSize : 1)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for range in ranges {
                group.addTask {
                    var after = range.after
                    while let last = try await Self.assignBatch(planner: planner, after: after, upTo: range.upTo, limit: batchSize, date: date) {
                        after = last
                        progress(await planner.report)
                    }
                }
            }
            try await group.waitForAll()
        }
        var report = await planner.report
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    static func defaultWorkers(_ kind: DatabaseKind) -> Int {
        kind == .sqlite ? 1 : max(2, ProcessInfo.processInfo.activeProcessorCount)
    }

    /// A range of person ids for one worker: after `after` (exclusive) up to `upTo` (inclusive); nil is open.
    struct IdRange: Sendable, Equatable { var after: String?; var upTo: String? }

    /// Splits the living people into `workers` ranges of about equal size — one range when there are fewer than
    /// `minimum` people per worker, where sharing costs more than it saves.
    static func ranges(_ db: any SQLDatabase, workers: Int, minimum: Int) async throws -> [IdRange] {
        guard workers > 1 else { return [IdRange()] }
        let total = try await db.raw("SELECT COUNT(*) AS n FROM resources WHERE res_type = 'Patient' AND deleted = 0").all()
            .first?.decode(column: "n", as: Int.self) ?? 0
        guard total >= workers * minimum else { return [IdRange()] }
        var bounds: [String] = []
        for k in 1..<workers {
            if let id = try await db.raw("SELECT res_id FROM resources WHERE res_type = 'Patient' AND deleted = 0 ORDER BY res_id LIMIT 1 OFFSET \(literal: total * k / workers)").all()
                .first?.decode(column: "res_id", as: String.self), id != bounds.last {
                bounds.append(id)
            }
        }
        var out: [IdRange] = []
        var after: String?
        for bound in bounds { out.append(IdRange(after: after, upTo: bound)); after = bound }
        out.append(IdRange(after: after, upTo: nil))
        return out
    }

    /// A batch found catchment areas filled by attachments made elsewhere since the map was loaded.
    struct AreasFilled: Error { var plan: [Int]; var full: Set<Int> }

    /// Assigns one batch of unattached people after `after` (by id, up to `upTo`), retrying it when a concurrent
    /// attachment filled a chosen area. Returns the last person id seen; nil when there were none.
    static func assignBatch(planner: AutoAssignPlanner, after: String?, upTo: String?, limit: Int, date: String) async throws -> String? {
        for _ in 0..<20 {
            do {
                let outcome = try await planner.repository.serviceTransaction { tx in
                    try await batch(tx, planner: planner, after: after, upTo: upTo, limit: limit, date: date)
                }
                if outcome.last != nil { await planner.add(outcome) }
                return outcome.last
            } catch let filled as AreasFilled {
                await planner.release(filled.plan, full: filled.full)
            }
        }
        throw FHIRError(503, "transient", "The automatic attachment kept meeting catchment areas filled meanwhile; run it again")
    }

    struct BatchOutcome: Sendable {
        var attached = 0, noRoom = 0, noCoordinates = 0
        /// The last person id seen; nil when there were none.
        var last: String?
    }

    /// One batch in one transaction: read the people locked, plan them, write episodes and Patients, then check
    /// the chosen areas against the database and record the attachments.
    static func batch(_ tx: StoreTransaction, planner: AutoAssignPlanner, after: String?, upTo: String?, limit: Int, date: String) async throws -> BatchOutcome {
        var condition: SQLQueryString = "NOT EXISTS (SELECT 1 FROM attachments a WHERE a.patient = r.res_id)"
        if let upTo { condition = condition + " AND r.res_id <= \(bind: upTo)" }
        // The people's rows locked as they are read (FOR UPDATE on PostgreSQL; SQLite has one writer), then who was
        // attached meanwhile: a concurrent $attach either committed before (and is seen here) or waits for this
        // batch and then sees its attachment. $attach takes its person's row lock before any area lock, as this
        // does, so neither waits on the other in a cycle.
        if planner.repository.database.kind == .postgres {
            // The planner's statistics of `attachments` are those from before the run, often of an empty table, so
            // it would sort the whole (meanwhile growing) table for a merge anti-join in every batch; a probe of
            // its primary key per person is what this scan needs.
            try await tx.sql.raw("SET LOCAL enable_mergejoin = off").run()
            try await tx.sql.raw("SET LOCAL enable_hashjoin = off").run()
        }
        let people = try await tx.scan("Patient", after: after, limit: limit, condition: condition, forUpdate: true)
        var outcome = BatchOutcome(last: people.last?.id)
        guard !people.isEmpty else { return outcome }
        let attachedMeanwhile = Set(try await tx.sql.raw("SELECT patient FROM attachments WHERE patient IN (\(binds: people.map(\.id)))").all()
            .map { try $0.decode(column: "patient", as: String.self) })
        var candidates: [(person: StoredResource, home: AutoAssignPlanner.Home)] = []
        for person in people where !attachedMeanwhile.contains(person.id) {
            guard person.json["active"]?.boolValue != false, person.json["deceasedDateTime"] == nil,
                  person.json["deceasedBoolean"]?.boolValue != true else { continue }
            guard let home = Self.home(person.json) else { outcome.noCoordinates += 1; continue }
            candidates.append((person, .init(latitude: home.latitude, longitude: home.longitude,
                                             age: Self.age(birthDate: person.json["birthDate"]?.stringValue, on: date))))
        }
        let places = await planner.plan(candidates.map(\.home))
        var plan: [(person: StoredResource, place: AutoAssignPlanner.Place)] = []
        for (candidate, place) in zip(candidates, places) {
            if let place { plan.append((candidate.person, place)) } else { outcome.noRoom += 1 }
        }
        // Write: a new episode per person and the Patient's generalPractitioner — built here from what was just
        // read locked, so written as trusted (the same episode builder is validated by $attach).
        let episodes = try await tx.write(plan.map { p in
            .init("EpisodeOfCare", Attachment(patient: p.person.id, organization: p.place.organization, area: p.place.areaId, episode: "", since: date)
                .episodeResource(careManager: p.place.doctor, reason: .automatic))
        }, trusted: true)
        var updates: [StoreTransaction.Write] = []
        var rows: [Attachment] = []
        for (p, episode) in zip(plan, episodes) {
            rows.append(Attachment(patient: p.person.id, organization: p.place.organization, area: p.place.areaId, episode: episode.id, since: date))
            if case .object(var json) = p.person.json {
                json["generalPractitioner"] = [["reference": .string("Organization/\(p.place.organization)")]]
                updates.append(.init(updating: p.person, .object(json)))
            }
        }
        _ = try await tx.write(updates, trusted: true)
        // Lock the chosen areas in id order (as $attach does) and check them against the database: someone attached
        // elsewhere since the map was loaded may have filled one. Then the whole batch is rolled back and planned
        // again; taking the locks last keeps them for milliseconds, so the workers do not queue on each other.
        var planned: [String: (count: Int, capacity: Int, index: Int)] = [:]
        for p in plan { planned[p.place.areaId, default: (0, p.place.capacity, p.place.area)].count += 1 }
        let chosen = planned.keys.sorted()
        for area in chosen { try await tx.lock("area:" + area) }
        let counts = try await counts(tx.sql, areas: chosen)
        let full = Set(chosen.filter { (counts[$0] ?? 0) + (planned[$0]?.count ?? 0) > (planned[$0]?.capacity ?? 0) }.compactMap { planned[$0]?.index })
        if !full.isEmpty { throw AreasFilled(plan: plan.map(\.place.area), full: full) }
        try await record(tx.sql, rows)
        outcome.attached = rows.count
        return outcome
    }

    /// Records many current attachments at once.
    static func record(_ db: any SQLDatabase, _ rows: [Attachment]) async throws {
        try await bulkInsert(db, into: "attachments", columns: ["patient", "organization", "area", "episode", "since"],
                             rows: rows.map { [.text($0.patient), .text($0.organization), .text($0.area), .text($0.episode), .text($0.since)] })
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
