import DatabaseTesting
import FHIRJSON
import FHIRStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Identity
import PrimaryCare
import Surveillance
import SyntheticKazakhstan
import Testing
import WebApp

/// The organisation administrator's pages through HTTP, on SQLite and PostgreSQL, on the demo country: staff,
/// areas with capacity (never below the people attached), a schedule built with mistakes named and nothing
/// built, then built, approved and published so that its slots become free; attaching a person on an application
/// by ИИН, and nothing of another organisation within reach.
@Suite struct AdministrationPagesTests {
    static let password = "pw-admin-long-enough"

    struct World {
        let repo: Repository
        let server: WebTestServer
        let organization: String
        let role: String

        init(_ repo: Repository) async throws {
            self.repo = repo
            _ = try await DemoLoader(repository: repo).load(DemoCountry(scale: 0.0001, seed: 3))
            let roles = try await repo.search(type: "PractitionerRole", parameters: [("location:missing", "false"), ("_sort", "_id"), ("_count", "1")], baseURL: "")
            let first = try #require(roles["entry"]?[0]?["resource"])
            role = try #require(first["id"]?.stringValue)
            organization = try #require(Attachment.id(first["organization"]?["reference"]?.stringValue, "Organization"))
            server = try await WebTestServer.make(repo, accounts: [
                NewAccount(username: "admin", password: AdministrationPagesTests.password, role: .organizationAdmin, organization: organization),
                NewAccount(username: "doctor", password: AdministrationPagesTests.password, role: .clinician, organization: organization, practitioner: "x"),
            ])
        }

        func app() -> some ApplicationProtocol { server.app() }

        func schedules() async throws -> [JSON] {
            let bundle = try await repo.search(type: "Schedule", parameters: [("actor", "PractitionerRole/\(role)")], baseURL: "")
            return (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
        }
    }

    static func day(_ offset: Int) -> String {
        CaseCalendar.date((CaseCalendar.dayNumber(Instant.now().dateInKazakhstan) ?? 0) + offset)
    }

    @Test(arguments: TestDatabase.available)
    func anAdministratorManagesAreasAndSchedules(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            let areas = try await CatchmentAreas(repository: repo).list(organization: w.organization)
            let busy = try #require(areas.first { $0.attached > 0 })
            try await w.app().test(.router) { client in
                var admin = WebBrowser()
                #expect(try await admin.signIn(client, "admin", Self.password).status == 303)
                let staff = try await admin.get(client, "/admin/staff")
                #expect(staff.status == 200 && staff.contains("Сотрудники организации") && staff.contains("/admin/schedules?role=\(w.role)"))
                let token = try #require(staff.formToken)
                // Capacity: below the people attached is refused and changes nothing; a valid one is kept.
                let page = try await admin.get(client, "/admin/areas")
                #expect(page.status == 200 && page.contains(busy.name))
                let low = try await admin.post(client, "/admin/areas/\(busy.id)/capacity", ["form_token": token, "capacity": String(busy.attached - 1)])
                #expect(low.location == "/admin/areas?refused=capacity_below&attached=\(busy.attached)")
                #expect(try await admin.get(client, low.location ?? "/").contains("уже прикреплено \(busy.attached) человек"))
                #expect(try await CatchmentAreas(repository: repo).list(organization: w.organization).first { $0.id == busy.id }?.capacity == busy.capacity)
                let raised = try await admin.post(client, "/admin/areas/\(busy.id)/capacity", ["form_token": token, "capacity": String(busy.capacity + 100)])
                #expect(raised.location == "/admin/areas?done=capacity")
                #expect(try await CatchmentAreas(repository: repo).list(organization: w.organization).first { $0.id == busy.id }?.capacity == busy.capacity + 100)
                // A schedule with mistakes: every one named, nothing built.
                let before = try await w.schedules().count
                let wrong = try await admin.post(client, "/admin/schedules", ["form_token": token, "role": w.role, "from": Self.day(30), "to": Self.day(20),
                                                                              "start": "14:00", "end": "13:00", "minutes": "3"])
                #expect(wrong.status == 422)
                #expect(wrong.contains("Последний день раньше первого") && wrong.contains("Конец приёма раньше начала"))
                #expect(wrong.contains("от 5 до 120 минут") && wrong.contains("хотя бы один день"))
                #expect(try await w.schedules().count == before)
                // Built after the demo's schedule, approved, published: its slots become free.
                let form = ["form_token": token, "role": w.role, "from": Self.day(20), "to": Self.day(26), "start": "14:00", "end": "16:00",
                            "minutes": "20", "day1": "on", "day2": "on", "day3": "on", "day4": "on", "day5": "on", "remote": "on"]
                let built = try await admin.post(client, "/admin/schedules", form)
                #expect(built.location == "/admin/schedules?done=schedule_built")
                let schedule = try #require(try await w.schedules().first { $0["planningHorizon"]?["start"]?.stringValue?.hasPrefix(Self.day(20)) == true })
                let id = try #require(schedule["id"]?.stringValue)
                #expect(ScheduleService.state(schedule) == .draft)
                let overlap = try await admin.post(client, "/admin/schedules", form)
                #expect(overlap.status == 409 && overlap.contains("уже есть расписание"))
                let early = try await admin.post(client, "/admin/schedules/\(id)/publish", ["form_token": token])
                #expect(early.location == "/admin/schedules?refused=schedule_state")
                #expect(try await admin.post(client, "/admin/schedules/\(id)/approve", ["form_token": token]).location == "/admin/schedules?done=schedule_approved")
                #expect(try await admin.post(client, "/admin/schedules/\(id)/publish", ["form_token": token]).location == "/admin/schedules?done=schedule_published")
                let free = try await repo.search(type: "Slot", parameters: [("schedule", "Schedule/\(id)"), ("status", "free"), ("_summary", "count")], baseURL: "")
                #expect((free["total"]?.intValue ?? 0) >= 6 * 5 - 6, "a week of 14:00-16:00 in 20-minute visits")
                let kazakh = try await admin.get(client, "/admin/schedules?lang=kk")
                #expect(kazakh.contains("Дәрігерлердің кестелері") && kazakh.contains("жарияланды"))
            }
            try await w.server.audit.shutdown()
        }
    }

    @Test(arguments: TestDatabase.available)
    func anAdministratorAttachesOnAnApplicationAndReachesNoOtherOrganisation(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            // An adult attached to another organisation moves here.
            let candidates = try await repo.database.read { db in
                try await db.raw("SELECT patient, organization FROM attachments WHERE organization <> \(bind: w.organization) ORDER BY patient").all()
                    .map { (try $0.decode(column: "patient", as: String.self), try $0.decode(column: "organization", as: String.self)) }
            }
            var mover: (patient: String, iin: String)?
            for (patient, _) in candidates where mover == nil {
                let person = try await repo.read(type: "Patient", id: patient).json
                let born = person["birthDate"]?.stringValue ?? "2100"
                if born < "2000", let iin = person["identifier"]?[0]?["value"]?.stringValue { mover = (patient, iin) }
            }
            let (patient, iin) = try #require(mover)
            let otherSchedule = try await repo.search(type: "Schedule", parameters: [("_count", "100")], baseURL: "")["entry"]?.arrayValue?
                .compactMap { $0["resource"] }.first { s in
                    (s["actor"]?.arrayValue ?? []).contains { $0["reference"]?.stringValue?.hasPrefix("PractitionerRole/") == true && $0["reference"]?.stringValue != "PractitionerRole/\(w.role)" }
                }
            try await w.app().test(.router) { client in
                var admin = WebBrowser()
                _ = try await admin.signIn(client, "admin", Self.password)
                let page = try await admin.get(client, "/admin/attachments")
                #expect(page.status == 200 && page.contains("Прикрепить по заявлению"))
                let token = try #require(page.formToken)
                let unknown = try await admin.post(client, "/admin/attachments", ["form_token": token, "iin": "000000000000", "reason": "relocation"])
                #expect(unknown.location == "/admin/attachments?refused=unknown_iin")
                let short = try await admin.post(client, "/admin/attachments", ["form_token": token, "iin": "123", "reason": "relocation"])
                #expect(short.location == "/admin/attachments?refused=iin_digits")
                let attached = try await admin.post(client, "/admin/attachments", ["form_token": token, "iin": iin, "reason": "relocation"])
                #expect(attached.location == "/admin/attachments?done=attached_person")
                #expect(try await AttachmentService(repository: repo).current(patient: patient)?.organization == w.organization)
                let register = try await admin.get(client, "/admin/attachments")
                #expect(register.contains(iin) && register.contains("смена места жительства"))
                // Another organisation's schedule: refused.
                if let other = otherSchedule?["id"]?.stringValue, try await ScheduleService(repository: repo).organization(ofSchedule: other) != w.organization {
                    let refused = try await admin.post(client, "/admin/schedules/\(other)/approve", ["form_token": token])
                    #expect(refused.status == 403)
                }
                // A clinician is not an administrator.
                var doctor = WebBrowser()
                _ = try await doctor.signIn(client, "doctor", Self.password)
                #expect(try await doctor.get(client, "/admin/staff").status == 403)
            }
            try await w.server.audit.shutdown()
        }
    }
}
