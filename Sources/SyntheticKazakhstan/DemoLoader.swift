import FHIRJSON
import FHIRStore
import Foundation
import PrimaryCare
import SQLKit

/// Writes a `DemoCountry` into a store, batch by batch, each batch one FHIR transaction of `PUT`s (so the ids
/// are the generator's and loading twice changes nothing), validated like any other write.
public struct DemoLoader: Sendable {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// What was loaded.
    public struct Summary: Sendable {
        public var resources = 0
        public var byType: [String: Int] = [:]
        public var seconds = 0.0
    }

    /// The `settings` row that records the loaded demo (`scale=…;seed=…`).
    public static let settingName = "demo"

    /// Loads `country` unless a demo is recorded already; returns nil then.
    /// - Parameter progress: called after each batch with the number of resources written so far.
    public func loadIfAbsent(_ country: DemoCountry, progress: @Sendable (Int) -> Void = { _ in }) async throws -> Summary? {
        if try await recorded() != nil { return nil }
        return try await load(country, progress: progress)
    }

    public func load(_ country: DemoCountry, progress: @Sendable (Int) -> Void = { _ in }) async throws -> Summary {
        let start = Date()
        var summary = Summary()
        var districtDoctors: [String] = []
        try await country.generate { batch in
            let entries: [JSON] = batch.compactMap { r in
                guard let type = r["resourceType"]?.stringValue, let id = r["id"]?.stringValue else { return nil }
                return ["resource": r, "request": ["method": "PUT", "url": .string("\(type)/\(id)")]]
            }
            // Attachments are written as the attachment service writes them: the EpisodeOfCare and the
            // `attachments` row that keeps "one active attachment per person" and the areas' capacity.
            try await ServiceWrites.$active.withValue(true) {
                _ = try await repository.process(bundle: ["resourceType": "Bundle", "type": "transaction", "entry": .array(entries)], baseURL: "urn:densauluq:demo")
            }
            let attachments = batch.compactMap(Attachment.init(episode:))
            if !attachments.isEmpty {
                try await repository.database.transaction { db in
                    for a in attachments { try await AttachmentService.record(db, a) }
                }
            }
            for r in batch {
                summary.byType[r["resourceType"]?.stringValue ?? "?", default: 0] += 1
                if r["resourceType"]?.stringValue == "PractitionerRole", r["location"] != nil, let id = r["id"]?.stringValue { districtDoctors.append(id) }
            }
            summary.resources += batch.count
            progress(summary.resources)
        }
        // Schedules of the district doctors for the next two working weeks, built, approved and published by the
        // schedule service itself — relative to the real date, so that the demo always has free slots.
        let schedules = ScheduleService(repository: repository)
        let from = Date(), to = Date().addingTimeInterval(15 * 86_400)
        for role in districtDoctors {
            var plan = ScheduleService.Plan(practitionerRole: role, from: Self.day(from), to: Self.day(to))
            plan.remote = true
            let schedule = try await schedules.build(plan)
            try await schedules.advance(schedule: schedule.id, to: .approved)
            try await schedules.advance(schedule: schedule.id, to: .published)
        }
        try await bookFirstDay(role: districtDoctors.sorted().first)
        try await repository.database.analyze()
        let value = "scale=\(country.plan.scale);seed=\(country.seed)"
        try await repository.database.transaction { db in
            try await db.raw("DELETE FROM settings WHERE name = \(bind: Self.settingName)").run()
            try await db.raw("INSERT INTO settings (name, value) VALUES (\(bind: Self.settingName), \(bind: value))").run()
        }
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }

    /// The first district doctor's day: six visits, the third remote, on the first working day from today with
    /// room for them, booked by people of the area, so that the demo clinician has a day to work through. Mothers
    /// and children are left alone: the cabinet's demo books for them. Booked as of midnight, so that a slot that
    /// begins while the demo loads can still be taken.
    func bookFirstDay(role: String?) async throws {
        guard let role else { return }
        let (area, parents) = try await repository.serviceTransaction { tx -> (String?, Set<String>) in
            let area = Attachment.id(try await tx.read("PractitionerRole", role)?.json["location"]?[0]?["reference"]?.stringValue, "Location")
            var family: Set<String> = []
            for r in try await tx.resources("RelatedPerson", matching: "_count=1000") {
                if let child = Attachment.id(r.json["patient"]?["reference"]?.stringValue, "Patient") { family.insert(child) }
                for i in r.json["identifier"]?.arrayValue ?? [] { if let v = i["value"]?.stringValue { family.insert("iin:" + v) } }
            }
            return (area, family)
        }
        guard let area else { return }
        let candidates = try await repository.database.read { db in
            try await db.raw("SELECT patient FROM attachments WHERE area = \(bind: area) ORDER BY patient LIMIT 40").all().map { try $0.decode(column: "patient", as: String.self) }
        }
        let free = try await repository.serviceTransaction { tx in
            var all: [StoredResource] = []
            for schedule in try await tx.resources("Schedule", matching: "actor=PractitionerRole/\(role)") {
                all += try await tx.resources("Slot", matching: "schedule=Schedule/\(schedule.id)&status=free")
            }
            return all
        }.sorted { ($0.json["start"]?.stringValue ?? "") < ($1.json["start"]?.stringValue ?? "") }
        // The first day with room for six visits a slot apart: today's past slots are not free, so late in the
        // day today has too few left and the day is tomorrow's (or Monday's).
        let days = Dictionary(grouping: free) { String($0.json["start"]?.stringValue?.prefix(10) ?? "") }
        guard let first = days.keys.sorted().first(where: { (days[$0]?.count ?? 0) >= 12 }) ?? free.first.map({ String($0.json["start"]?.stringValue?.prefix(10) ?? "") }),
              let slots = days[first] else { return }
        let kazakhstan = 5 * 3600.0
        let midnight = Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 + kazakhstan) / 86_400).rounded(.down) * 86_400 - kazakhstan)
        let booking = BookingService(repository: repository)
        var booked = 0
        for patient in candidates where booked < 6 && booked * 2 < slots.count && !parents.contains(patient) {
            let iin = try await repository.serviceTransaction { tx in try await tx.read("Patient", patient)?.json["identifier"]?[0]?["value"]?.stringValue }
            if let iin, parents.contains("iin:" + iin) { continue }
            _ = try await booking.book(slot: slots[booked * 2].id, patient: patient, reason: Self.visitReasons[booked % Self.visitReasons.count],
                                       remote: booked == 2, now: midnight)
            booked += 1
        }
    }

    static let visitReasons = ["Контроль давления", "Кашель, температура", "Консультация по анализам", "Боль в спине", "Профилактический осмотр", "Повторный приём"]

    /// `YYYY-MM-DD` of a date in Kazakhstan (UTC+5).
    static func day(_ date: Date) -> String {
        Instant(date).dateInKazakhstan
    }

    /// The recorded demo (`scale=…;seed=…`), nil when none was loaded.
    public func recorded() async throws -> String? {
        try await repository.database.read { db in
            try await db.raw("SELECT value FROM settings WHERE name = \(bind: Self.settingName)").all().first?.decode(column: "value", as: String.self)
        }
    }
}
