import FHIRJSON
import FHIRStore
import Foundation
import SQLKit

/// Booking a visit in a published slot, cancelling and rescheduling it (seed 002, process 1.2). A booking is
/// one transaction that holds the slot's lock, checks the slot is free, writes the `bookings` row (its primary
/// key makes a double booking impossible even past the lock), the Appointment and the Slot's new status — so of
/// many clients booking the same slot at once exactly one wins and the others get 409.
public struct BookingService: Sendable {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// Who an appointment or slot concerns, for the caller checks of the API.
    public struct Parties: Sendable {
        public var organization: String
        public var practitioner: String?
        public var patient: String?
    }

    /// The organisation and practitioner of a slot.
    public func parties(slot: String) async throws -> Parties {
        try await repository.serviceTransaction { tx in
            guard let s = try await tx.read("Slot", slot) else { throw FHIRError.notFound("Slot", slot) }
            let context = try await Self.context(tx, slot: s)
            return Parties(organization: context.organization, practitioner: context.practitioner, patient: nil)
        }
    }

    /// The organisation, practitioner and patient of an appointment.
    public func parties(appointment: String) async throws -> Parties {
        try await repository.serviceTransaction { tx in
            guard let a = try await tx.read("Appointment", appointment) else { throw FHIRError.notFound("Appointment", appointment) }
            let practitioner = Slots.participant(a.json, "Practitioner")
            var organization = Self.organization(a.json)
            if organization == nil, let slotId = Self.slotId(a.json), let slot = try await tx.read("Slot", slotId) {
                organization = try await Self.context(tx, slot: slot).organization
            }
            guard let organization else { throw FHIRError(422, "business-rule", "Appointment/\(appointment) names no organisation") }
            return Parties(organization: organization, practitioner: practitioner, patient: Slots.participant(a.json, "Patient"))
        }
    }

    /// Books `slot` for `patient`.
    /// - Parameters:
    ///   - reason: the patient's words, kept as `reasonCode.text`.
    ///   - remote: a remote consultation: the schedule must allow it and the organisation must have a video server.
    /// - Throws: 404 unknown slot or patient; 409 the slot is taken or not published, or the person already holds a
    ///   future appointment with this practitioner; 422 the slot has passed, the person died, is attached to
    ///   another primary-care organisation, or remote is not possible.
    public func book(slot: String, patient: String, reason: String? = nil, remote: Bool = false, now: Date = Date()) async throws -> StoredResource {
        try await repository.serviceTransaction { tx in
            try await tx.lock("slot:" + slot)
            return try await Self.book(tx, slot: slot, patient: patient, reason: reason, remote: remote, now: now)
        }
    }

    /// Cancels a booked appointment and frees its slot.
    /// - Throws: 404 unknown; 409 when it is not booked any more.
    public func cancel(appointment: String, reason: String? = nil, now: Date = Date()) async throws -> StoredResource {
        try await repository.serviceTransaction { tx in
            guard let a = try await tx.read("Appointment", appointment) else { throw FHIRError.notFound("Appointment", appointment) }
            if let slot = Self.slotId(a.json) { try await tx.lock("slot:" + slot) }
            return try await Self.cancel(tx, appointment: appointment, reason: reason ?? "cancelled", now: now)
        }
    }

    /// Moves a booked appointment to another slot: books the new one and cancels the old one, or does neither.
    public func reschedule(appointment: String, to slot: String, now: Date = Date()) async throws -> StoredResource {
        try await repository.serviceTransaction { tx in
            guard let old = try await tx.read("Appointment", appointment) else { throw FHIRError.notFound("Appointment", appointment) }
            guard let patient = Slots.participant(old.json, "Patient") else { throw FHIRError(422, "business-rule", "Appointment/\(appointment) has no patient") }
            // Both slots' locks, in one order, so that two opposite reschedules cannot wait on each other.
            for s in Set([slot] + [Self.slotId(old.json)].compactMap { $0 }).sorted() { try await tx.lock("slot:" + s) }
            let cancelled = try await Self.cancel(tx, appointment: appointment, reason: "rescheduled", now: now)
            _ = cancelled
            return try await Self.book(tx, slot: slot, patient: patient, reason: old.json["reasonCode"]?[0]?["text"]?.stringValue,
                                       remote: Slots.isRemote(old.json), now: now)
        }
    }

    // MARK: - Inside a transaction

    struct SlotContext {
        var schedule: StoredResource
        var role: String
        var practitioner: String?
        var organization: String
        var location: String?
    }

    static func context(_ tx: StoreTransaction, slot: StoredResource) async throws -> SlotContext {
        guard let scheduleId = Attachment.id(slot.json["schedule"]?["reference"]?.stringValue, "Schedule"),
              let schedule = try await tx.read("Schedule", scheduleId) else {
            throw FHIRError(422, "business-rule", "Slot/\(slot.id) belongs to no schedule")
        }
        guard let roleId = ScheduleService.actor(schedule.json, "PractitionerRole"), let role = try await tx.read("PractitionerRole", roleId),
              let organization = Attachment.id(role.json["organization"]?["reference"]?.stringValue, "Organization") else {
            throw FHIRError(422, "business-rule", "Schedule/\(scheduleId) has no practitioner role with an organisation")
        }
        return SlotContext(schedule: schedule, role: roleId,
                           practitioner: Attachment.id(role.json["practitioner"]?["reference"]?.stringValue, "Practitioner"),
                           organization: organization, location: ScheduleService.actor(schedule.json, "Location"))
    }

    static func book(_ tx: StoreTransaction, slot slotId: String, patient: String, reason: String?, remote: Bool, now: Date) async throws -> StoredResource {
        guard let slot = try await tx.readForUpdate("Slot", [slotId])[slotId] else { throw FHIRError.notFound("Slot", slotId) }
        let nowMillis = Int64(now.timeIntervalSince1970 * 1000)
        let context = try await context(tx, slot: slot)
        guard ScheduleService.state(context.schedule.json) == .published else {
            throw FHIRError(409, "business-rule", "Slot/\(slotId) is not published for booking", expression: "slot")
        }
        let taken = try await tx.sql.raw("SELECT appointment FROM bookings WHERE slot = \(bind: slotId)").all()
        guard slot.json["status"]?.stringValue == "free", taken.isEmpty else {
            throw FHIRError(409, "conflict", "Slot/\(slotId) is already taken: choose another time", expression: "slot")
        }
        guard Slots.startMillis(slot.json) > nowMillis else {
            throw FHIRError(422, "business-rule", "Slot/\(slotId) has already begun", expression: "slot")
        }
        guard let person = try await tx.read("Patient", patient) else { throw FHIRError.notFound("Patient", patient) }
        if person.json["deceasedDateTime"] != nil || person.json["deceasedBoolean"]?.boolValue == true {
            throw FHIRError(422, "business-rule", "Patient/\(patient) has died", expression: "patient")
        }
        // Primary care is booked at the organisation one is attached to.
        if let org = try await tx.read("Organization", context.organization), AttachmentService.isPrimaryCare(org.json) {
            let attachment = try await AttachmentService.current(tx.sql, patient)
            guard attachment?.organization == context.organization else {
                throw FHIRError(422, "business-rule", attachment.map { "Patient/\(patient) is attached to Organization/\($0.organization): book there, or change the attachment" }
                                ?? "Patient/\(patient) is not attached to primary care: attach first", expression: "patient")
            }
        }
        // One future appointment per person and practitioner, so that nobody holds a doctor's day.
        if let practitioner = context.practitioner {
            let held = try await tx.resources("Appointment", matching: "patient=Patient/\(patient)&practitioner=Practitioner/\(practitioner)&status=booked")
            if held.contains(where: { Slots.startMillis($0.json) > nowMillis }) {
                throw FHIRError(409, "business-rule", "Patient/\(patient) already has a booked visit with Practitioner/\(practitioner): cancel or reschedule it", expression: "patient")
            }
        }
        var appointment = JSONObject()
        appointment["resourceType"] = "Appointment"
        appointment["status"] = "booked"
        appointment["slot"] = [["reference": .string("Slot/\(slotId)")]]
        appointment["start"] = slot.json["start"]
        appointment["end"] = slot.json["end"]
        appointment["created"] = .string(String(Instant(millis: nowMillis).iso.prefix(10)))
        if let reason, !reason.isEmpty { appointment["reasonCode"] = [["text": .string(reason)]] }
        var participants: [JSON] = [["actor": ["reference": .string("Patient/\(patient)")], "status": "accepted"]]
        if let p = context.practitioner { participants.append(["actor": ["reference": .string("Practitioner/\(p)")], "status": "accepted"]) }
        participants.append(["actor": ["reference": .string("PractitionerRole/\(context.role)")], "status": "accepted"])
        if let l = context.location { participants.append(["actor": ["reference": .string("Location/\(l)")], "status": "accepted"]) }
        appointment["participant"] = .array(participants)
        appointment["supportingInformation"] = [["reference": .string("Organization/\(context.organization)")]]
        appointment["appointmentType"] = ["coding": [["system": .string(Slots.modeSystem), "code": remote ? "remote" : "in-person"]]]
        if remote {
            let allowed = (context.schedule.json["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == ScheduleService.remoteExtension }?["valueBoolean"]?.boolValue
            guard allowed == true else {
                throw FHIRError(422, "business-rule", "Slot/\(slotId) is not offered for remote consultations", expression: "remote")
            }
            let org = try await tx.read("Organization", context.organization)
            guard let server = (org?.json["extension"]?.arrayValue ?? []).first(where: { $0["url"]?.stringValue == Slots.videoServerExtension })?["valueUrl"]?.stringValue else {
                throw FHIRError(422, "business-rule", "Organization/\(context.organization) has not configured a video server for remote consultations", expression: "remote")
            }
            let room = (server.hasSuffix("/") ? server : server + "/") + "densauluq-" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            appointment["extension"] = [["url": .string(Slots.videoRoomExtension), "valueUrl": .string(room)]]
        }
        let stored = try await tx.create("Appointment", .object(appointment))
        do {
            try await tx.sql.raw("INSERT INTO bookings (slot, appointment) VALUES (\(bind: slotId), \(bind: stored.id))").run()
        } catch {
            throw FHIRError(409, "conflict", "Slot/\(slotId) is already taken: choose another time", expression: "slot")
        }
        if case .object(var s) = slot.json {
            s["status"] = "busy"
            _ = try await tx.update("Slot", slotId, .object(s))
        }
        return stored
    }

    static func cancel(_ tx: StoreTransaction, appointment id: String, reason: String, now: Date) async throws -> StoredResource {
        guard let a = try await tx.readForUpdate("Appointment", [id])[id], case .object(var o) = a.json else { throw FHIRError.notFound("Appointment", id) }
        guard o["status"]?.stringValue == "booked" else {
            throw FHIRError(409, "business-rule", "Appointment/\(id) is \(o["status"]?.stringValue ?? "without status"), not booked: nothing to cancel")
        }
        o["status"] = "cancelled"
        o["cancelationReason"] = ["text": .string(reason)]
        let updated = try await tx.update("Appointment", id, .object(o))
        if let slotId = slotId(a.json) {
            try await tx.sql.raw("DELETE FROM bookings WHERE slot = \(bind: slotId) AND appointment = \(bind: id)").run()
            // The slot is offered again while it is still ahead.
            if let slot = try await tx.readForUpdate("Slot", [slotId])[slotId], case .object(var s) = slot.json,
               Slots.startMillis(slot.json) > Int64(now.timeIntervalSince1970 * 1000) {
                s["status"] = "free"
                _ = try await tx.update("Slot", slotId, .object(s))
            }
        }
        return updated
    }

    static func slotId(_ appointment: JSON) -> String? {
        (appointment["slot"]?.arrayValue ?? []).lazy.compactMap { Attachment.id($0["reference"]?.stringValue, "Slot") }.first
    }

    static func organization(_ appointment: JSON) -> String? {
        (appointment["supportingInformation"]?.arrayValue ?? []).lazy.compactMap { Attachment.id($0["reference"]?.stringValue, "Organization") }.first
    }

}
