import Audit
import DatabaseTesting
import FHIRJSON
import FHIRStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Identity
import PrimaryCare
import SyntheticKazakhstan
import Testing
import WebApp

/// The clinician's workspace through HTTP as a browser uses it, on SQLite and PostgreSQL, on the demo country: the
/// district doctor's day with the visits the demo booked, a remote consultation started and recorded with ICD-10
/// diagnoses found by words, vital signs, a referral and a prescription; a form with mistakes changes nothing;
/// patients found by ИИН and name, and another organisation's patient stays closed.
@Suite struct ClinicPagesTests {
    static let password = "pw-doctor-long-enough"

    struct World {
        let repo: Repository
        let server: WebTestServer
        let practitioner: String
        let organization: String

        init(_ repo: Repository) async throws {
            self.repo = repo
            _ = try await DemoLoader(repository: repo).load(DemoCountry(scale: 0.0001, seed: 3))
            // The demo books visits for the first district doctor (by id).
            let roles = try await repo.search(type: "PractitionerRole", parameters: [("location:missing", "false"), ("_sort", "_id"), ("_count", "1")], baseURL: "")
            let role = try #require(roles["entry"]?[0]?["resource"])
            practitioner = try #require(Attachment.id(role["practitioner"]?["reference"]?.stringValue, "Practitioner"))
            organization = try #require(Attachment.id(role["organization"]?["reference"]?.stringValue, "Organization"))
            server = try await WebTestServer.make(repo, accounts: [
                NewAccount(username: "doctor", password: ClinicPagesTests.password, role: .clinician, organization: organization, practitioner: practitioner),
            ])
        }

        func app() -> some ApplicationProtocol { server.app() }

        /// The demo's booked visits of the doctor, soonest first.
        func appointments() async throws -> [JSON] {
            let bundle = try await repo.search(type: "Appointment", parameters: [("practitioner", "Practitioner/\(practitioner)"), ("_sort", "date")], baseURL: "")
            return (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
        }

        func count(_ type: String, _ patient: String) async throws -> Int {
            try await repo.search(type: type, parameters: [("patient", "Patient/\(patient)"), ("_summary", "count")], baseURL: "")["total"]?.intValue ?? -1
        }
    }

    static func patient(_ appointment: JSON) -> String? {
        (appointment["participant"]?.arrayValue ?? []).lazy.compactMap { Attachment.id($0["actor"]?["reference"]?.stringValue, "Patient") }.first
    }

    @Test(arguments: TestDatabase.available)
    func aDoctorRunsARemoteConsultationAndRecordsIt(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            let booked = try await w.appointments()
            #expect(booked.count == 6, "the demo books six visits of the doctor's first working day")
            let remote = try #require(booked.first { $0["appointmentType"]?["coding"]?[0]?["code"]?.stringValue == "remote" })
            let id = try #require(remote["id"]?.stringValue)
            let patient = try #require(Self.patient(remote))
            let day = try #require(remote["start"]?.stringValue?.prefix(10)).description
            try await w.app().test(.router) { client in
                var doctor = WebBrowser()
                #expect(try await doctor.signIn(client, "doctor", Self.password).status == 303)
                let schedule = try await doctor.get(client, "/clinic?day=\(day)")
                #expect(schedule.status == 200 && schedule.contains("Приём за день") && schedule.contains("Начать видеоконсультацию"))
                #expect(schedule.html.components(separatedBy: "/clinic/visits/appointment/").count - 1 == 6)
                let token = try #require(schedule.formToken)
                // Starting the consultation opens its record form with the video room.
                let started = try await doctor.post(client, "/clinic/appointments/\(id)/start", ["form_token": token])
                #expect(started.location == "/clinic/visits/appointment/\(id)")
                #expect(try await repo.read(type: "Appointment", id: id).json["status"]?.stringValue == "arrived")
                let form = try await doctor.get(client, "/clinic/visits/appointment/\(id)")
                let room = try #require(remote["extension"]?[0]?["valueUrl"]?.stringValue)
                #expect(form.status == 200 && form.contains(room) && form.contains("Диагнозы (МКБ-10)"))
                // ICD-10 by words: the form comes back with what was typed and the codes to tick.
                let found = try await doctor.post(client, "/clinic/visits/appointment/\(id)", fields: [
                    ("form_token", token), ("q", "острый бронхит"), ("note", "Кашель 5 дней"), ("action", "search")])
                #expect(found.status == 200 && found.contains("value=\"J20.9\"") && found.contains("Кашель 5 дней"))
                // Mistakes: each named, nothing written.
                let encountersBefore = try await w.count("Encounter", patient)
                let wrong = try await doctor.post(client, "/clinic/visits/appointment/\(id)", fields: [
                    ("form_token", token), ("dx", "J20.9"), ("systolic", "13O"), ("temperature", "73"), ("dosage", "по 1 таблетке"), ("action", "save")])
                #expect(wrong.status == 422)
                #expect(wrong.contains("«13O» не является числом") && wrong.contains("Температура: значение вне допустимого диапазона"))
                #expect(wrong.contains("нужны оба значения") && wrong.contains("но не само лекарство"))
                #expect(wrong.contains("value=\"J20.9\" checked"), "the ticked diagnosis stays ticked")
                #expect(try await w.count("Encounter", patient) == encountersBefore)
                #expect(try await repo.read(type: "Appointment", id: id).json["status"]?.stringValue == "arrived")
                // The visit recorded: one transaction, the appointment fulfilled.
                let saved = try await doctor.post(client, "/clinic/visits/appointment/\(id)", fields: [
                    ("form_token", token), ("dx", "J20.9"), ("dx", "I10"), ("systolic", "130"), ("diastolic", "85"), ("temperature", "37,2"),
                    ("referral", "Рентгенография грудной клетки"), ("medication", "Амброксол 30 мг"), ("dosage", "по 1 таблетке 3 раза в день"),
                    ("note", "Кашель 5 дней"), ("action", "save")])
                #expect(saved.status == 303 && saved.location == "/clinic/patients/\(patient)?done=visit_recorded")
                #expect(try await repo.read(type: "Appointment", id: id).json["status"]?.stringValue == "fulfilled")
                let encounters = try await repo.search(type: "Encounter", parameters: [("patient", "Patient/\(patient)"), ("_sort", "-_lastUpdated"), ("_count", "1")], baseURL: "")
                let encounter = try #require(encounters["entry"]?[0]?["resource"])
                #expect(encounter["class"]?["code"]?.stringValue == "VR" && encounter["diagnosis"]?.arrayValue?.count == 2)
                let vitals = try await repo.search(type: "Observation", parameters: [("encounter", "Encounter/\(encounter["id"]?.stringValue ?? "")")], baseURL: "")
                let codes = Set((vitals["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["code"]?["coding"]?[0]?["code"]?.stringValue })
                #expect(codes == ["85354-9", "8310-5"])
                // The summary shows the new problems, the pressure and the medicine; the visit is no longer open.
                let summary = try await doctor.get(client, saved.location ?? "/")
                #expect(summary.status == 200 && summary.contains("Приём записан"))
                #expect(summary.contains("J20.9") && summary.contains("I10") && summary.contains("130/85") && summary.contains("Амброксол 30 мг"))
                let closed = try await doctor.post(client, "/clinic/appointments/\(id)/start", ["form_token": token])
                #expect(closed.location == "/clinic?refused=visit_closed")
                // In Kazakh.
                let kazakh = try await doctor.get(client, "/clinic?day=\(day)&lang=kk")
                #expect(kazakh.contains("Күндізгі қабылдау") && kazakh.contains("Қабылдауды толтыру"))
            }
            try await w.server.audit.flush()
            let audit = try await w.server.audit.entries(patients: [patient], limit: 50)
            #expect(audit.contains { $0.action == "complete-visit" && $0.actor.isEmpty == false })
            try await w.server.audit.shutdown()
        }
    }

    @Test(arguments: TestDatabase.available)
    func patientsAreFoundByIINAndNameAndOthersStayClosed(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            let mine = try #require(try await w.appointments().first.flatMap(Self.patient))
            let person = try await repo.read(type: "Patient", id: mine).json
            let iin = try #require(person["identifier"]?[0]?["value"]?.stringValue)
            let family = try #require(person["name"]?[0]?["family"]?.stringValue)
            // Someone attached to another organisation, with no visit here.
            let other = try await repo.database.read { db in
                try await db.raw("SELECT patient FROM attachments WHERE organization <> \(bind: w.organization) ORDER BY patient LIMIT 1").all()
                    .first.map { try $0.decode(column: "patient", as: String.self) }
            }
            let stranger = try #require(other)
            let strangerIIN = try #require(try await repo.read(type: "Patient", id: stranger).json["identifier"]?[0]?["value"]?.stringValue)
            try await w.app().test(.router) { client in
                var doctor = WebBrowser()
                _ = try await doctor.signIn(client, "doctor", Self.password)
                let byIIN = try await doctor.get(client, "/clinic/patients?q=\(iin)")
                #expect(byIIN.status == 200 && byIIN.contains("/clinic/patients/\(mine)"))
                let byName = try await doctor.get(client, "/clinic/patients?q=\(family.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? family)")
                #expect(byName.contains("/clinic/patients/\(mine)"))
                let short = try await doctor.get(client, "/clinic/patients?q=12345")
                #expect(short.status == 400 && short.contains("ИИН состоит из 12 цифр"))
                let notMine = try await doctor.get(client, "/clinic/patients?q=\(strangerIIN)")
                #expect(notMine.status == 200 && notMine.contains("нет человека с этим ИИН") && !notMine.contains("/clinic/patients/\(stranger)"))
                let closed = try await doctor.get(client, "/clinic/patients/\(stranger)")
                #expect(closed.status == 403 && closed.contains("Это не ваш пациент"))
                let open = try await doctor.get(client, "/clinic/patients/\(mine)?lang=en")
                #expect(open.status == 200 && open.contains("Active problems") && open.contains("Booked with you:"))
            }
            // The refused look is in the audit trail too.
            try await w.server.audit.flush()
            let audit = try await w.server.audit.entries(patients: [stranger], limit: 10)
            #expect(audit.contains { $0.outcome >= 400 })
            try await w.server.audit.shutdown()
        }
    }
}
