import DatabaseTesting
import FHIRJSON
import FHIRStore
import Foundation
import PrimaryCare
import Testing

@Suite struct BookingTests {
    /// The day `n` days from today (UTC), `YYYY-MM-DD`.
    static func day(_ n: Int) -> String { String(Instant(millis: Instant.now().millis + Int64(n) * 86_400_000).iso.prefix(10)) }

    /// A published schedule of `prr-a` (phc-a) for the next two days, by default 09:00–10:00 in 15-minute slots: 8 slots.
    static func publishedSchedule(_ repo: Repository, remote: Bool = false, hours: (String, String) = ("09:00", "10:00")) async throws -> (schedule: String, slots: [String]) {
        let schedules = ScheduleService(repository: repo)
        var plan = ScheduleService.Plan(practitionerRole: "prr-a", from: day(1), to: day(2))
        plan.weekdays = Set(1...7)
        plan.start = hours.0
        plan.end = hours.1
        plan.remote = remote
        let schedule = try await schedules.build(plan)
        try await schedules.advance(schedule: schedule.id, to: .approved)
        try await schedules.advance(schedule: schedule.id, to: .published)
        return (schedule.id, try await slots(repo, schedule.id))
    }

    static func slots(_ repo: Repository, _ schedule: String, status: String? = nil) async throws -> [String] {
        var parameters = [("schedule", "Schedule/\(schedule)"), ("_count", "100"), ("_sort", "start")]
        if let status { parameters.append(("status", status)) }
        let bundle = try await repo.search(type: "Slot", parameters: parameters, baseURL: "urn:test")
        return (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["id"]?.stringValue }
    }

    /// `n` more adults attached to phc-a (on an extra area with room), for races.
    static func attachedPeople(_ repo: Repository, _ n: Int) async throws -> [String] {
        var entries: [JSON] = [["resource": try JSONParser.parse(#"{"resourceType":"Location","id":"a-extra","status":"active","name":"extra","type":[{"coding":[{"system":"\#(Attachment.areaTypeSystem)","code":"gp"}]}],"managingOrganization":{"reference":"Organization/phc-a"},"extension":[{"url":"\#(Attachment.capacityExtension)","valueInteger":1000}]}"#),
                                "request": ["method": "PUT", "url": "Location/a-extra"]]]
        for i in 1...n {
            entries.append(["resource": try JSONParser.parse(#"{"resourceType":"Patient","id":"q\#(i)","birthDate":"1970-01-01","name":[{"family":"Q\#(i)"}]}"#),
                            "request": ["method": "PUT", "url": .string("Patient/q\(i)")]])
        }
        _ = try await repo.process(bundle: ["resourceType": "Bundle", "type": "transaction", "entry": .array(entries)], baseURL: "urn:test")
        let attachments = AttachmentService(repository: repo)
        for i in 1...n { try await attachments.attach(patient: "q\(i)", organization: "phc-a", area: "a-extra") }
        return (1...n).map { "q\($0)" }
    }

    @Test(arguments: TestDatabase.available)
    func onlyPublishedFreeSlotsAreBookedAndCancellingFreesThem(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let attachments = AttachmentService(repository: repo)
            try await attachments.attach(patient: "p1", organization: "phc-a")
            try await attachments.attach(patient: "p2", organization: "phc-a")
            let schedules = ScheduleService(repository: repo)
            let booking = BookingService(repository: repo)
            var plan = ScheduleService.Plan(practitionerRole: "prr-a", from: Self.day(1), to: Self.day(2))
            plan.weekdays = Set(1...7)
            plan.end = "10:00"
            let draft = try await schedules.build(plan)
            let draftSlots = try await Self.slots(repo, draft.id)
            #expect(draftSlots.count == 8)
            #expect(try await Self.slots(repo, draft.id, status: "free").isEmpty)
            #expect(await PrimaryCareWorld.status { _ = try await booking.book(slot: draftSlots[0], patient: "p1") } == 409)
            #expect(await PrimaryCareWorld.status { try await schedules.advance(schedule: draft.id, to: .published) } == 409)
            try await schedules.advance(schedule: draft.id, to: .approved)
            try await schedules.advance(schedule: draft.id, to: .published)
            let free = try await Self.slots(repo, draft.id, status: "free")
            #expect(free.count == 8)

            let appointment = try await booking.book(slot: free[0], patient: "p1", reason: "кашель")
            #expect(appointment.json["status"]?.stringValue == "booked")
            #expect(appointment.json["reasonCode"]?[0]?["text"]?.stringValue == "кашель")
            #expect(try await repo.read(type: "Slot", id: free[0]).json["status"]?.stringValue == "busy")
            #expect(await PrimaryCareWorld.status { _ = try await booking.book(slot: free[0], patient: "p2") } == 409)
            // One future visit per person and doctor.
            #expect(await PrimaryCareWorld.status { _ = try await booking.book(slot: free[1], patient: "p1") } == 409)
            // Primary care is booked where one is attached.
            #expect(await PrimaryCareWorld.status { _ = try await booking.book(slot: free[1], patient: "p3") } == 422)
            #expect(await PrimaryCareWorld.status { _ = try await booking.book(slot: free[1], patient: "ghost") } == 404)

            let cancelled = try await booking.cancel(appointment: appointment.id, reason: "болезнь прошла")
            #expect(cancelled.json["status"]?.stringValue == "cancelled")
            #expect(try await repo.read(type: "Slot", id: free[0]).json["status"]?.stringValue == "free")
            #expect(await PrimaryCareWorld.status { _ = try await booking.cancel(appointment: appointment.id) } == 409)

            let second = try await booking.book(slot: free[0], patient: "p2")
            let moved = try await booking.reschedule(appointment: second.id, to: free[3])
            #expect(moved.json["status"]?.stringValue == "booked" && moved.json["slot"]?[0]?["reference"]?.stringValue == "Slot/\(free[3])")
            #expect(try await repo.read(type: "Appointment", id: second.id).json["status"]?.stringValue == "cancelled")
            #expect(try await repo.read(type: "Slot", id: free[0]).json["status"]?.stringValue == "free")
            #expect(try await repo.read(type: "Slot", id: free[3]).json["status"]?.stringValue == "busy")
            // A reschedule to a taken slot changes nothing.
            let third = try await booking.book(slot: free[0], patient: "p1")
            #expect(await PrimaryCareWorld.status { _ = try await booking.reschedule(appointment: third.id, to: free[3]) } == 409)
            #expect(try await repo.read(type: "Appointment", id: third.id).json["status"]?.stringValue == "booked")
            // Appointments in slots are written only by the booking service.
            await #expect(throws: FHIRError.self) {
                _ = try await repo.update(type: "Appointment", id: third.id, resource: try repo.read(type: "Appointment", id: third.id).json)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aScheduleHasSlotsOnItsWeekdaysAndHoursOnly(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let schedules = ScheduleService(repository: repo)
            // 7–13 December 2026 is Monday to Sunday; working days 09:00–10:00 in 15 minutes.
            var plan = ScheduleService.Plan(practitionerRole: "prr-a", from: "2026-12-07", to: "2026-12-13")
            plan.end = "10:00"
            let schedule = try await schedules.build(plan)
            let bundle = try await repo.search(type: "Slot", parameters: [("schedule", "Schedule/\(schedule.id)"), ("_count", "100"), ("_sort", "start")], baseURL: "urn:test")
            let starts = (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["start"]?.stringValue }
            #expect(starts.count == 20)
            #expect(starts.first == "2026-12-07T09:00:00+05:00" && starts.last == "2026-12-11T09:45:00+05:00")
            #expect(!starts.contains { $0.hasPrefix("2026-12-12") || $0.hasPrefix("2026-12-13") })
            // The same doctor in the same hours again: refused, nothing written; the afternoon of the same days is fine.
            var again = ScheduleService.Plan(practitionerRole: "prr-a", from: "2026-12-09", to: "2026-12-20")
            again.start = "09:30"
            again.end = "11:00"
            #expect(await PrimaryCareWorld.status { _ = try await schedules.build(again) } == 409)
            let count = try await repo.search(type: "Schedule", parameters: [("actor", "PractitionerRole/prr-a"), ("_summary", "count")], baseURL: "urn:test")
            #expect(count["total"]?.intValue == 1)
            again.start = "14:00"
            again.end = "15:00"
            _ = try await schedules.build(again)
            for bad in [("2026-02-30", "2026-03-01"), ("2026-12-10", "2026-12-01"), ("12/07/2026", "2026-12-08")] {
                #expect(await PrimaryCareWorld.status { _ = try await schedules.build(ScheduleService.Plan(practitionerRole: "prr-a", from: bad.0, to: bad.1)) } == 400)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func manyClientsBookingOneSlotAtOnceHaveOneWinner(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let people = try await Self.attachedPeople(repo, 16)
            let (_, slots) = try await Self.publishedSchedule(repo)
            let booking = BookingService(repository: repo)
            let outcomes = try await withThrowingTaskGroup(of: Int?.self) { group in
                for person in people {
                    group.addTask { await PrimaryCareWorld.status { _ = try await booking.book(slot: slots[2], patient: person) } }
                }
                var out: [Int?] = []
                for try await o in group { out.append(o) }
                return out
            }
            #expect(outcomes.filter { $0 == nil }.count == 1)
            #expect(outcomes.filter { $0 == 409 }.count == 15)
            let appointments = try await repo.search(type: "Appointment", parameters: [("slot", "Slot/\(slots[2])"), ("_summary", "count")], baseURL: "urn:test")
            #expect(appointments["total"]?.intValue == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRemoteConsultationNeedsARemoteScheduleAndTheOrganisationsVideoServer(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            try await AttachmentService(repository: repo).attach(patient: "p1", organization: "phc-a")
            let booking = BookingService(repository: repo)
            let (_, inPerson) = try await Self.publishedSchedule(repo)
            #expect(await PrimaryCareWorld.status { _ = try await booking.book(slot: inPerson[0], patient: "p1", remote: true) } == 422)
            // The same doctor's remote hours are later the same days (overlapping schedules are refused).
            let (_, remote) = try await Self.publishedSchedule(repo, remote: true, hours: ("11:00", "12:00"))
            #expect(await PrimaryCareWorld.status { _ = try await booking.book(slot: remote[0], patient: "p1", remote: true) } == 422)
            var org = try await repo.read(type: "Organization", id: "phc-a").json
            if case .object(var o) = org {
                o["extension"] = [["url": "http://densauluq.kz/fhir/StructureDefinition/video-server", "valueUrl": "https://video.phc-a.kz/rooms"]]
                org = .object(o)
            }
            _ = try await repo.update(type: "Organization", id: "phc-a", resource: org)
            let appointment = try await booking.book(slot: remote[0], patient: "p1", remote: true)
            let room = appointment.json["extension"]?[0]?["valueUrl"]?.stringValue ?? ""
            #expect(room.hasPrefix("https://video.phc-a.kz/rooms/densauluq-") && room.count > 50)
            #expect(appointment.json["appointmentType"]?["coding"]?[0]?["code"]?.stringValue == "remote")
        }
    }
}
