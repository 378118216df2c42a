import FHIRJSON
import FHIRStore
import Foundation
import SQLKit

/// Reminders before a visit: for every booked appointment starting within the horizon, one Communication to the
/// patient (Russian and Kazakh text; the channel — SMS, the app — reads them), recorded in `reminders` so that a
/// reminder is sent once however often the job runs.
public struct ReminderService: Sendable {
    public let repository: Repository
    public var horizon: TimeInterval

    public init(repository: Repository, horizon: TimeInterval = 24 * 3600) {
        self.repository = repository
        self.horizon = horizon
    }

    /// Sends the reminders that are due; returns how many were sent.
    @discardableResult
    public func sendDue(now: Date = Date()) async throws -> Int {
        try await repository.serviceTransaction { tx in try await Self.sendDue(tx, now: now, horizon: horizon) }
    }

    static func sendDue(_ tx: StoreTransaction, now: Date, horizon: TimeInterval) async throws -> Int {
        // One job at a time.
        try await tx.lock("reminders")
        let from = Instant(millis: Int64(now.timeIntervalSince1970 * 1000))
        let to = Instant(millis: Int64((now.timeIntervalSince1970 + horizon) * 1000))
        let due = try await tx.resources("Appointment", matching: "status=booked&date=gt\(from.iso)&date=le\(to.iso)")
        guard !due.isEmpty else { return 0 }
        var sent = Set<String>()
        for chunk in stride(from: 0, to: due.count, by: 500) {
            let ids = due[chunk..<min(chunk + 500, due.count)].map(\.id)
            for row in try await tx.sql.raw("SELECT appointment FROM reminders WHERE appointment IN (\(binds: ids))").all() {
                sent.insert(try row.decode(column: "appointment", as: String.self))
            }
        }
        let pending = due.filter { !sent.contains($0.id) }
        var writes: [StoreTransaction.Write] = []
        var forAppointment: [String] = []
        for a in pending {
            guard let patient = Slots.participant(a.json, "Patient"), let start = a.json["start"]?.stringValue else { continue }
            let (date, time) = localDateTime(start)
            let remote = Slots.isRemote(a.json)
            let ru = remote ? "Напоминание: онлайн-консультация \(date) в \(time)." : "Напоминание: приём у врача \(date) в \(time)."
            let kk = remote ? "Еске салу: онлайн-кеңес \(date), сағат \(time)." : "Еске салу: дәрігердің қабылдауы \(date), сағат \(time)."
            writes.append(.init("Communication", [
                "resourceType": "Communication", "status": "completed",
                "category": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/communication-category", "code": "reminder"]]]],
                "subject": ["reference": .string("Patient/\(patient)")],
                "recipient": [["reference": .string("Patient/\(patient)")]],
                "about": [["reference": .string("Appointment/\(a.id)")]],
                "sent": .string(from.iso),
                "payload": [["contentString": .string(ru)], ["contentString": .string(kk)]],
            ]))
            forAppointment.append(a.id)
        }
        let stored = try await tx.write(writes)
        for (appointment, communication) in zip(forAppointment, stored) {
            try await tx.sql.raw("INSERT INTO reminders (appointment, communication, sent) VALUES (\(bind: appointment), \(bind: communication.id), \(bind: from.iso))").run()
        }
        return stored.count
    }

    /// `DD.MM.YYYY` and `HH:MM` in Kazakhstan time (UTC+5) of an instant.
    static func localDateTime(_ instant: String) -> (String, String) {
        guard let range = DateRange.parse(instant) else { return (instant, "") }
        let local = Instant(millis: range.lo + 5 * 3_600_000).iso
        let y = local.prefix(4), m = local.dropFirst(5).prefix(2), d = local.dropFirst(8).prefix(2)
        return ("\(d).\(m).\(y)", String(local.dropFirst(11).prefix(5)))
    }
}
