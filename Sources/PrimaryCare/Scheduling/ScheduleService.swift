import FHIRJSON
import FHIRStore
import Foundation
import SQLKit

/// Doctors' schedules (seed 002, process 1.27): an organisation builds a schedule for a practitioner role from
/// working days and hours, approves it and publishes it. A Schedule carries its state in an extension
/// (`draft` → `approved` → `published`); its Slots are `busy-unavailable` until publication makes them `free`, so
/// that a search for free slots only ever finds bookable ones.
public struct ScheduleService: Sendable {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    public static let stateExtension = "http://densauluq.kz/fhir/StructureDefinition/schedule-state"
    public static let remoteExtension = "http://densauluq.kz/fhir/StructureDefinition/remote-allowed"
    /// Kazakhstan has kept one time zone, UTC+5, since 1 March 2024.
    public static let timeZoneOffset = "+05:00"
    /// A schedule builds at most this many slots (three months of a full day of 15-minute visits is about 3,000).
    public static let maxSlots = 5_000

    public enum State: String, Sendable {
        case draft, approved, published
    }

    /// What a schedule is built from.
    public struct Plan: Sendable {
        public var practitionerRole: String
        /// First and last day, `YYYY-MM-DD`.
        public var from: String
        public var to: String
        /// ISO weekdays 1 (Monday) … 7 (Sunday).
        public var weekdays: Set<Int> = [1, 2, 3, 4, 5]
        /// Working hours, `HH:MM`, local time.
        public var start = "09:00"
        public var end = "13:00"
        public var minutes = 15
        /// Whether the slots may be booked as remote consultations.
        public var remote = false

        public init(practitionerRole: String, from: String, to: String) {
            self.practitionerRole = practitionerRole
            self.from = from
            self.to = to
        }
    }

    /// The organisation of a practitioner role, or of a schedule through its role.
    public func organization(ofRole role: String) async throws -> String {
        let json = try await AccessScope.$current.withValue(.unrestricted) { try await repository.read(type: "PractitionerRole", id: role).json }
        guard let org = Attachment.id(json["organization"]?["reference"]?.stringValue, "Organization") else {
            throw FHIRError(422, "business-rule", "PractitionerRole/\(role) names no organisation")
        }
        return org
    }

    public func organization(ofSchedule schedule: String) async throws -> String {
        let json = try await AccessScope.$current.withValue(.unrestricted) { try await repository.read(type: "Schedule", id: schedule).json }
        guard let role = Self.actor(json, "PractitionerRole") else { throw FHIRError(422, "business-rule", "Schedule/\(schedule) has no PractitionerRole actor") }
        return try await organization(ofRole: role)
    }

    /// Builds a draft schedule with its slots; returns the Schedule.
    /// - Throws: 400 for a bad plan (dates, hours, length), 404 for an unknown role, 422 for an inactive one.
    public func build(_ plan: Plan) async throws -> StoredResource {
        let slots = try Self.slotTimes(plan)
        return try await repository.serviceTransaction { tx in
            guard let role = try await tx.read("PractitionerRole", plan.practitionerRole) else { throw FHIRError.notFound("PractitionerRole", plan.practitionerRole) }
            guard role.json["active"]?.boolValue != false else {
                throw FHIRError(422, "business-rule", "PractitionerRole/\(plan.practitionerRole) is not active", expression: "practitionerRole")
            }
            try await Self.refuseOverlap(tx, plan: plan, slots: slots)
            var actors: [JSON] = [["reference": .string("PractitionerRole/\(plan.practitionerRole)")]]
            if let p = role.json["practitioner"]?["reference"]?.stringValue { actors.append(["reference": .string(p)]) }
            for l in role.json["location"]?.arrayValue ?? [] { if let r = l["reference"]?.stringValue { actors.append(["reference": .string(r)]) } }
            let schedule: JSON = [
                "resourceType": "Schedule", "active": true, "actor": .array(actors),
                "planningHorizon": ["start": .string(plan.from + "T00:00:00" + Self.timeZoneOffset), "end": .string(plan.to + "T23:59:59" + Self.timeZoneOffset)],
                "comment": .string("\(plan.start)–\(plan.end), \(plan.minutes) min"),
                "extension": [["url": .string(Self.stateExtension), "valueCode": .string(State.draft.rawValue)],
                              ["url": .string(Self.remoteExtension), "valueBoolean": .bool(plan.remote)]],
            ]
            let stored = try await tx.create("Schedule", schedule)
            let writes = slots.map { slot in
                StoreTransaction.Write("Slot", ["resourceType": "Slot", "status": "busy-unavailable",
                                                "schedule": ["reference": .string("Schedule/\(stored.id)")],
                                                "start": .string(slot.start), "end": .string(slot.end)])
            }
            for chunk in stride(from: 0, to: writes.count, by: 500) {
                _ = try await tx.write(Array(writes[chunk..<min(chunk + 500, writes.count)]))
            }
            return stored
        }
    }

    /// A doctor cannot be in two places at once: a new schedule may not have a slot overlapping a slot of another
    /// active schedule of the same PractitionerRole (two schedules of one day, morning and evening, are fine).
    /// - Throws: 409 naming the other schedule and the first clash.
    static func refuseOverlap(_ tx: StoreTransaction, plan: Plan, slots: [(start: String, end: String)]) async throws {
        // Two builds for one role at once must see each other.
        try await tx.lock("schedules-of:" + plan.practitionerRole)
        guard let first = slots.first?.start, let last = slots.last?.end else { return }
        let others = try await tx.ids("Schedule", matching: "actor=PractitionerRole/\(plan.practitionerRole)&active=true&date=le\(plan.to)&date=ge\(plan.from)")
        for other in others.sorted() {
            let taken = try await tx.resources("Slot", matching: "schedule=Schedule/\(other)")
                .compactMap { slot -> (start: String, end: String)? in
                    guard let start = slot.json["start"]?.stringValue, let end = slot.json["end"]?.stringValue, start < last, end > first else { return nil }
                    return (start, end)
                }
                .sorted { $0.start < $1.start }
            // Both lists are sorted: one pass finds the first overlap.
            var i = 0, j = 0
            while i < slots.count && j < taken.count {
                if slots[i].start < taken[j].end && taken[j].start < slots[i].end {
                    throw FHIRError(409, "conflict", "PractitionerRole/\(plan.practitionerRole) already has Schedule/\(other) with a slot \(taken[j].start)–\(taken[j].end), which the new slot \(slots[i].start)–\(slots[i].end) overlaps",
                                    expression: "practitionerRole")
                }
                if slots[i].end <= taken[j].end { i += 1 } else { j += 1 }
            }
        }
    }

    /// Moves a schedule on: `draft` → `approved` → `published`. Publishing frees its future slots that nobody has
    /// booked.
    /// - Throws: 409 when the schedule is not in the state before `state`.
    @discardableResult
    public func advance(schedule id: String, to state: State, now: Date = Date()) async throws -> StoredResource {
        try await repository.serviceTransaction { tx in
            try await tx.lock("schedule:" + id)
            guard let schedule = try await tx.readForUpdate("Schedule", [id])[id], case .object(var s) = schedule.json else {
                throw FHIRError.notFound("Schedule", id)
            }
            let current = Self.state(schedule.json)
            let before: State = state == .approved ? .draft : .approved
            guard current == before, state != .draft else {
                throw FHIRError(409, "business-rule", "Schedule/\(id) is \(current.rawValue): only a \(before.rawValue) schedule can become \(state.rawValue)")
            }
            s["extension"] = .array((s["extension"]?.arrayValue ?? []).map { e in
                e["url"]?.stringValue == Self.stateExtension ? ["url": .string(Self.stateExtension), "valueCode": .string(state.rawValue)] : e
            })
            let updated = try await tx.update("Schedule", id, .object(s))
            if state == .published {
                let nowMillis = Int64(now.timeIntervalSince1970 * 1000)
                let slots = try await tx.resources("Slot", matching: "schedule=Schedule/\(id)&status=busy-unavailable")
                let booked = try await Self.bookedSlots(tx.sql, slots.map(\.id))
                var writes: [StoreTransaction.Write] = []
                for slot in slots where !booked.contains(slot.id) && Slots.startMillis(slot.json) > nowMillis {
                    guard case .object(var o) = slot.json else { continue }
                    o["status"] = "free"
                    writes.append(.init("Slot", id: slot.id, .object(o)))
                }
                for chunk in stride(from: 0, to: writes.count, by: 500) {
                    _ = try await tx.write(Array(writes[chunk..<min(chunk + 500, writes.count)]))
                }
            }
            return updated
        }
    }

    static func bookedSlots(_ db: any SQLDatabase, _ slots: [String]) async throws -> Set<String> {
        guard !slots.isEmpty else { return [] }
        var out = Set<String>()
        for chunk in stride(from: 0, to: slots.count, by: 500) {
            let ids = Array(slots[chunk..<min(chunk + 500, slots.count)])
            for row in try await db.raw("SELECT slot FROM bookings WHERE slot IN (\(binds: ids))").all() { out.insert(try row.decode(column: "slot", as: String.self)) }
        }
        return out
    }

    /// The schedule's state from its extension (`draft` when it has none).
    public static func state(_ schedule: JSON) -> State {
        (schedule["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == stateExtension }?["valueCode"]?.stringValue
            .flatMap(State.init(rawValue:)) ?? .published   // a schedule written by a medical information system is its own business
    }

    static func actor(_ schedule: JSON, _ type: String) -> String? {
        (schedule["actor"]?.arrayValue ?? []).lazy.compactMap { Attachment.id($0["reference"]?.stringValue, type) }.first
    }

    /// The slot times of a plan, as instants with the Kazakhstan offset.
    static func slotTimes(_ plan: Plan) throws(FHIRError) -> [(start: String, end: String)] {
        guard let from = Day(plan.from) else { throw FHIRError(400, "invalid", "'from' must be a date YYYY-MM-DD, not '\(plan.from)'", expression: "from") }
        guard let to = Day(plan.to) else { throw FHIRError(400, "invalid", "'to' must be a date YYYY-MM-DD, not '\(plan.to)'", expression: "to") }
        guard from.number <= to.number else { throw FHIRError(400, "invalid", "'to' (\(plan.to)) is before 'from' (\(plan.from))", expression: "to") }
        guard let start = Self.minutes(plan.start) else { throw FHIRError(400, "invalid", "'start' must be a time HH:MM, not '\(plan.start)'", expression: "start") }
        guard let end = Self.minutes(plan.end), end > start else { throw FHIRError(400, "invalid", "'end' must be a time HH:MM after 'start', not '\(plan.end)'", expression: "end") }
        guard (5...240).contains(plan.minutes) else { throw FHIRError(400, "invalid", "'minutes' must be 5 to 240, not \(plan.minutes)", expression: "minutes") }
        guard !plan.weekdays.isEmpty, plan.weekdays.allSatisfy({ (1...7).contains($0) }) else {
            throw FHIRError(400, "invalid", "'weekdays' must name days 1 (Monday) to 7 (Sunday)", expression: "weekdays")
        }
        var out: [(String, String)] = []
        for n in from.number...to.number {
            let day = Day(number: n)
            guard plan.weekdays.contains(day.weekday) else { continue }
            var t = start
            while t + plan.minutes <= end {
                out.append((day.text + "T" + Self.time(t) + ":00" + timeZoneOffset, day.text + "T" + Self.time(t + plan.minutes) + ":00" + timeZoneOffset))
                t += plan.minutes
                if out.count > maxSlots {
                    throw FHIRError(400, "too-costly", "The plan makes more than \(maxSlots) slots: build a shorter period", expression: "to")
                }
            }
        }
        return out
    }

    /// Minutes since midnight of `HH:MM`, nil when malformed.
    public static func minutes(_ hhmm: String) -> Int? {
        let parts = hhmm.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 24 * 60 else { return nil }
        return h * 60 + m
    }

    static func time(_ minutes: Int) -> String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

}

/// A calendar day as a day number (days since 1970-01-01), for walking date ranges without time zones; the
/// calendar arithmetic is the store's (`DateRange`, `Instant`).
struct Day: Sendable {
    let number: Int

    init(number: Int) { self.number = number }

    /// `YYYY-MM-DD`; nil for anything else, including days that do not exist (2026-02-30).
    init?(_ text: String) {
        guard text.count == 10, let range = DateRange.parse(text), range.lo >= 0 else { return nil }
        number = Int(range.lo / 86_400_000)
        guard self.text == text else { return nil }
    }

    var text: String { String(Instant(millis: Int64(number) * 86_400_000).iso.prefix(10)) }

    /// ISO weekday: 1 Monday … 7 Sunday (1970-01-01 was a Thursday).
    var weekday: Int { ((number % 7 + 7) % 7 + 3) % 7 + 1 }
}
