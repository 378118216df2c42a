import DatabaseTesting
import FHIRJSON
import FHIRServer
import FHIRStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PrimaryCare
import PrimaryCareAPI
import Testing

/// Home visits, the record that ends a visit, and reminders.
@Suite struct VisitTests {
    /// A second district doctor at phc-a whose area lies next to p1's home, while `a-gp` (pr-a) lies 17 km north.
    static func secondDoctor(_ repo: Repository) async throws {
        var entries: [JSON] = []
        func put(_ text: String) throws {
            let r = try JSONParser.parse(text)
            entries.append(["resource": r, "request": ["method": "PUT", "url": .string("\(r["resourceType"]?.stringValue ?? "")/\(r["id"]?.stringValue ?? "")")]])
        }
        try put(#"{"resourceType":"Location","id":"a-gp","status":"active","name":"a-gp","position":{"latitude":43.40,"longitude":76.95},"type":[{"coding":[{"system":"\#(Attachment.areaTypeSystem)","code":"gp"}]}],"managingOrganization":{"reference":"Organization/phc-a"},"extension":[{"url":"\#(Attachment.capacityExtension)","valueInteger":2}]}"#)
        try put(#"{"resourceType":"Location","id":"a-near","status":"active","name":"a-near","position":{"latitude":43.2515,"longitude":76.951},"type":[{"coding":[{"system":"\#(Attachment.areaTypeSystem)","code":"gp"}]}],"managingOrganization":{"reference":"Organization/phc-a"},"extension":[{"url":"\#(Attachment.capacityExtension)","valueInteger":5}]}"#)
        try put(#"{"resourceType":"Practitioner","id":"pr-near","name":[{"family":"Near"}]}"#)
        try put(#"{"resourceType":"PractitionerRole","id":"prr-near","active":true,"practitioner":{"reference":"Practitioner/pr-near"},"organization":{"reference":"Organization/phc-a"},"location":[{"reference":"Location/a-near"}]}"#)
        _ = try await repo.process(bundle: ["resourceType": "Bundle", "type": "transaction", "entry": .array(entries)], baseURL: "urn:test")
    }

    static func performer(_ r: StoredResource) -> String? {
        (r.json["performer"]?.arrayValue ?? []).lazy.compactMap { $0["reference"]?.stringValue }.first { $0.hasPrefix("Practitioner/") }
    }

    @Test(arguments: TestDatabase.available)
    func aHomeVisitGoesToTheNearestAvailableDoctorOfTheOrganisation(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            try await Self.secondDoctor(repo)
            let attachments = AttachmentService(repository: repo)
            for p in ["p1", "p2", "p3"] { try await attachments.attach(patient: p, organization: "phc-a", area: p == "p3" ? "a-near" : nil) }
            let visits = HomeVisitService(repository: repo, visitsPerDay: 1)
            #expect(await PrimaryCareWorld.status { _ = try await visits.request(patient: "p1", reason: "   ") } == 400)
            #expect(await PrimaryCareWorld.status { _ = try await visits.request(patient: "p4", reason: "температура") } == 422)
            let first = try await visits.request(patient: "p1", reason: "температура 39")
            #expect(Self.performer(first) == "Practitioner/pr-near")
            #expect(first.json["status"]?.stringValue == "active" && first.json["reasonCode"]?[0]?["text"]?.stringValue == "температура 39")
            // The nearest doctor has her day's visit: the next one goes to the other doctor, then nobody is free.
            let second = try await visits.request(patient: "p2", reason: "боль в горле")
            #expect(Self.performer(second) == "Practitioner/pr-a")
            let third = try await visits.request(patient: "p3", reason: "давление")
            #expect(Self.performer(third) == nil && third.json["status"]?.stringValue == "active")
            // Cancelling frees the doctor for the next request.
            _ = try await visits.cancel(request: first.id)
            #expect(try await repo.read(type: "ServiceRequest", id: first.id).json["status"]?.stringValue == "revoked")
            #expect(Self.performer(try await visits.request(patient: "p3", reason: "давление")) == "Practitioner/pr-near")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aDoctorsReportedPositionCountsWhileItIsFresh(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            try await Self.secondDoctor(repo)
            let attachments = AttachmentService(repository: repo)
            for p in ["p1", "p2"] { try await attachments.attach(patient: p, organization: "phc-a") }
            let visits = HomeVisitService(repository: repo, visitsPerDay: 5)
            let now = Date()
            // pr-a (whose area lies 17 km north) says from her phone that she is at p1's door, pr-near is away north.
            try await visits.report(role: "prr-a", latitude: 43.2516, longitude: 76.9511, now: now)
            try await visits.report(role: "prr-near", latitude: 43.45, longitude: 76.95, now: now)
            #expect(Self.performer(try await visits.request(patient: "p1", reason: "температура", now: now)) == "Practitioner/pr-a")
            // Three hours later the reports are stale: the areas count again.
            #expect(Self.performer(try await visits.request(patient: "p2", reason: "кашель", now: now.addingTimeInterval(3 * 3600))) == "Practitioner/pr-near")
            #expect(await PrimaryCareWorld.status { try await visits.report(role: "prr-a", latitude: 91, longitude: 0) } == 400)
            #expect(await PrimaryCareWorld.status { try await visits.report(role: "nobody", latitude: 43, longitude: 76) } == 404)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aVisitEndsWithEncounterDiagnosesReferralsPrescriptionsAndNote(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            try await AttachmentService(repository: repo).attach(patient: "p1", organization: "phc-a")
            let (_, slots) = try await BookingTests.publishedSchedule(repo)
            let appointment = try await BookingService(repository: repo).book(slot: slots[0], patient: "p1")
            let records = VisitRecordService(repository: repo)
            var bad = VisitRecordService.Outcome()
            bad.diagnoses = [.init(code: "flu")]
            #expect(await PrimaryCareWorld.status { _ = try await records.complete(appointment: appointment.id, outcome: bad, practitioner: "pr-a") } == 400)
            #expect(try await repo.read(type: "Appointment", id: appointment.id).json["status"]?.stringValue == "booked")

            var outcome = VisitRecordService.Outcome()
            outcome.diagnoses = [.init(code: "J06.9", display: "Острая инфекция верхних дыхательных путей"), .init(code: "I10")]
            outcome.referrals = ["Общий анализ крови"]
            outcome.prescriptions = [.init(medication: "Парацетамол 500 мг", dosage: "по 1 таблетке 3 раза в день")]
            outcome.note = "Жалобы на кашель 3 дня."
            let record = try await records.complete(appointment: appointment.id, outcome: outcome, practitioner: "pr-a")
            #expect(record.encounter.json["class"]?["code"]?.stringValue == "AMB")
            #expect(record.encounter.json["diagnosis"]?.arrayValue?.count == 2)
            #expect(record.conditions.count == 2 && record.referrals.count == 1 && record.prescriptions.count == 1 && record.note != nil)
            #expect(try await repo.read(type: "Appointment", id: appointment.id).json["status"]?.stringValue == "fulfilled")
            let conditions = try await repo.search(type: "Condition", parameters: [("patient", "Patient/p1"), ("code", "http://hl7.org/fhir/sid/icd-10|J06.9")], baseURL: "urn:test")
            #expect(conditions["entry"]?.arrayValue?.count == 1)
            #expect(await PrimaryCareWorld.status { _ = try await records.complete(appointment: appointment.id, outcome: outcome, practitioner: "pr-a") } == 409)

            // A home visit ends with the same record, class HH.
            let visit = try await HomeVisitService(repository: repo).request(patient: "p1", reason: "слабость")
            let home = try await records.complete(homeVisit: visit.id, outcome: outcome, practitioner: nil)
            #expect(home.encounter.json["class"]?["code"]?.stringValue == "HH")
            #expect(home.encounter.json["participant"]?[0]?["individual"]?["reference"]?.stringValue == "Practitioner/pr-a")
            #expect(try await repo.read(type: "ServiceRequest", id: visit.id).json["status"]?.stringValue == "completed")
        }
    }

    @Test(arguments: TestDatabase.available)
    func aReminderIsSentOnceBeforeTheVisit(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            try await AttachmentService(repository: repo).attach(patient: "p1", organization: "phc-a")
            let (_, slots) = try await BookingTests.publishedSchedule(repo)
            let appointment = try await BookingService(repository: repo).book(slot: slots[0], patient: "p1")
            let reminders = ReminderService(repository: repo, horizon: 3 * 24 * 3600)
            #expect(try await ReminderService(repository: repo, horizon: 60).sendDue() == 0)
            #expect(try await reminders.sendDue() == 1)
            #expect(try await reminders.sendDue() == 0)
            let sent = try await repo.search(type: "Communication", parameters: [("about", "Appointment/\(appointment.id)")], baseURL: "urn:test")
            let payload = sent["entry"]?[0]?["resource"]?["payload"]?[0]?["contentString"]?.stringValue ?? ""
            #expect(payload.contains("09:00") && payload.hasPrefix("Напоминание"))
        }
    }

    @Test(arguments: TestDatabase.available)
    func theVisitOperationsThroughHTTP(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let world = try await AttachOperationTests.World(repo)
            try await AttachmentService(repository: repo).attach(patient: "p1", organization: "phc-a")
            let (_, slots) = try await BookingTests.publishedSchedule(repo)
            try await world.app().test(.router) { client in
                let noReason = try await world.call(client, "p1", "/fhir/Patient/p1/$request-home-visit", #"{"resourceType":"Parameters","parameter":[]}"#)
                #expect(noReason.status == 400 && noReason.json["issue"]?[0]?["expression"]?[0]?.stringValue == "reason")
                let visit = try await world.call(client, "p1", "/fhir/Patient/p1/$request-home-visit",
                                                 #"{"resourceType":"Parameters","parameter":[{"name":"reason","valueString":"температура"}]}"#)
                #expect(visit.status == 201 && visit.json["performer"]?[0]?["reference"]?.stringValue == "Practitioner/pr-a")
                let booked = try await world.call(client, "p1", "/fhir/Slot/\(slots[1])/$book",
                                                  #"{"resourceType":"Parameters","parameter":[{"name":"patient","valueReference":{"reference":"Patient/p1"}}]}"#)
                #expect(booked.status == 201)
                let id = try #require(booked.json["id"]?.stringValue)
                let outcome = #"{"resourceType":"Parameters","parameter":[{"name":"diagnosis","valueCoding":{"system":"http://hl7.org/fhir/sid/icd-10","code":"J06.9"}},{"name":"prescription","part":[{"name":"medication","valueString":"Парацетамол"},{"name":"dosage","valueString":"3 раза в день"}]}]}"#
                // Only a clinician of the organisation records the visit.
                #expect(try await world.call(client, "p1", "/fhir/Appointment/\(id)/$complete", outcome).status == 403)
                #expect(try await world.call(client, "adminB", "/fhir/Appointment/\(id)/$complete", outcome).status == 403)
                let done = try await world.call(client, "doctorA", "/fhir/Appointment/\(id)/$complete", outcome)
                #expect(done.status == 200 && done.json["type"]?.stringValue == "collection")
                let types = (done.json["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["resourceType"]?.stringValue }
                #expect(types == ["Encounter", "Condition", "MedicationRequest"])
                let wrongSystem = try await world.call(client, "doctorA", "/fhir/ServiceRequest/\(visit.json["id"]?.stringValue ?? "")/$complete",
                                                       #"{"resourceType":"Parameters","parameter":[{"name":"diagnosis","valueCoding":{"system":"http://snomed.info/sct","code":"1234"}}]}"#)
                #expect(wrongSystem.status == 400 && wrongSystem.json["issue"]?[0]?["expression"]?[0]?.stringValue == "Parameters.parameter[0]")
                // The doctor's phone reports where she is; nobody else may say it for her.
                let here = #"{"resourceType":"Parameters","parameter":[{"name":"latitude","valueDecimal":43.25},{"name":"longitude","valueDecimal":76.95}]}"#
                #expect(try await world.call(client, "doctorA", "/fhir/PractitionerRole/prr-a/$position", here).status == 200)
                #expect(try await world.call(client, "p1", "/fhir/PractitionerRole/prr-a/$position", here).status == 403)
                #expect(try await world.call(client, "doctorA", "/fhir/PractitionerRole/prr-a/$position",
                                             #"{"resourceType":"Parameters","parameter":[{"name":"latitude","valueDecimal":43.25}]}"#).status == 400)
            }
            // Every change is in the patient's audit trail, with the operation and who did it.
            try await world.audit.flush()
            let trail = try await world.audit.entries(patient: "p1")
            #expect(trail.contains { $0.action == "$request-home-visit" && $0.outcome == 201 && $0.role == "citizen" })
            #expect(trail.contains { $0.action == "$book" && $0.outcome == 201 })
            #expect(trail.contains { $0.action == "$complete" && $0.outcome == 200 && $0.role == "clinician" })
            #expect(trail.contains { $0.action == "$complete" && $0.outcome == 403 })
        }
    }
}
