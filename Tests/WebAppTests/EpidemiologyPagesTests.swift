import Audit
import DatabaseTesting
import FHIRJSON
import FHIRStore
import FHIRValidation
import Foundation
import Hummingbird
import HummingbirdTesting
import Identity
import Surveillance
import SyntheticKazakhstan
import Testing
import WebApp

/// The epidemiologist's pages through HTTP as a browser uses them, on SQLite and PostgreSQL: sign-in, the
/// dashboard with the demo's injected outbreak and its chart, the alarm's task, refusals that change nothing,
/// and a paper notification typed in — in Russian, Kazakh and English.
@Suite struct EpidemiologyPagesTests {
    static let password = "pw-long-enough-2026"

    struct World {
        let repo: Repository
        let server: WebTestServer
        var audit: AuditLog { server.audit }
        let patientIIN: String
        let organization: String

        init(_ repo: Repository) async throws {
            self.repo = repo
            // People and a polyclinic in Almaty, and two years of the demo's salmonellosis cases with its outbreaks.
            var iin = ""
            for n in 0..<60 {
                let birth = String(format: "19%02d-%02d-%02d", 50 + n % 40, 1 + n % 12, 1 + n % 28)
                let sex = n % 2 == 0 ? "female" : "male"
                let made = try #require(IIN.make(birthDate: birth, sex: sex, serial: 100 + n))
                if n == 0 { iin = made }
                _ = try await repo.create(type: "Patient", resource: [
                    "resourceType": "Patient", "identifier": [["system": .string(IIN.system), "value": .string(made)]],
                    "gender": .string(sex), "birthDate": .string(birth),
                    "address": [["use": "home", "state": "Алматы", "extension": [["url": .string(CaseNotification.katoExtension), "valueCode": "751110000"]]]],
                ])
            }
            patientIIN = iin
            organization = try await repo.create(type: "Organization", resource: [
                "resourceType": "Organization", "name": "Поликлиника №1",
                "type": [["coding": [["system": .string(DemoCountry.organizationTypeSystem), "code": "phc"]]]], "address": [["state": "Алматы"]],
            ]).resource.id
            // Salmonellosis only, to keep the test short: the outbreak is A02's.
            var demo = DemoSurveillance(repository: repo, seed: 7)
            demo.categories = ["A02"]
            _ = try await demo.load(today: Instant.now().dateInKazakhstan)
            _ = try await OutbreakScan(repository: repo).run()
            server = try await WebTestServer.make(repo, accounts: [
                NewAccount(username: "epi.almaty", password: EpidemiologyPagesTests.password, role: .epidemiologist, region: "Алматы"),
                NewAccount(username: "epi.astana", password: EpidemiologyPagesTests.password, role: .epidemiologist, region: "Астана"),
                NewAccount(username: "doctor", password: EpidemiologyPagesTests.password, role: .clinician, organization: organization),
            ])
        }

        func app() -> some ApplicationProtocol { server.app() }

        func openTask() async throws -> StoredResource? {
            let alarms = try await SignalJournal(repository: repo).signals(.init(region: "750000000", alarmsOnly: true))
            guard let id = alarms.compactMap(\.task).first else { return nil }
            return try await repo.read(type: "Task", id: id)
        }
    }

    @Test(arguments: TestDatabase.available)
    func theEpidemiologistSignsInSeesTheOutbreakAndClosesItsTask(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            try await w.app().test(.router) { client in
                var browser = WebBrowser()
                // Not signed in: sent to the sign-in page, which comes back after it.
                let away = try await browser.get(client, "/surveillance")
                #expect(away.status == 303 && away.location == "/sign-in?next=/surveillance")
                // A wrong password: a clear message, no session.
                let wrong = try await browser.signIn(client, "epi.almaty", "not-the-password")
                #expect(wrong.status == 401 && wrong.contains("Неверный логин или пароль."))
                #expect(browser.cookies["dz_access"] == nil)
                let signedIn = try await browser.signIn(client, "epi.almaty", Self.password, next: "/surveillance")
                #expect(signedIn.status == 303 && signedIn.location == "/surveillance" && browser.cookies["dz_access"] != nil)
                // The dashboard in Russian: the salmonellosis outbreak, its chart with the alarm week marked.
                let dashboard = try await browser.get(client, "/surveillance")
                #expect(dashboard.status == 200)
                #expect(dashboard.contains("<h1>Эпидемиологический надзор</h1>") && dashboard.contains("A02 Сальмонеллёз"))
                #expect(dashboard.contains(#"class="alarm-card""#) && dashboard.contains("<svg") && dashboard.contains(#"class="bar alarm""#))
                // Kazakh and English through the switcher; the choice stays.
                #expect(try await browser.get(client, "/surveillance?lang=kk").contains("Ашық індет сигналдары"))
                #expect(try await browser.get(client, "/surveillance").contains("A02 Сальмонеллез"))
                let english = try await browser.get(client, "/surveillance?lang=en")
                #expect(english.contains("Open outbreak alarms") && english.contains(#"<html lang="en">"#))
                // The series page: every week as a number too.
                let series = try await browser.get(client, "/surveillance/series?disease=A02&region=750000000")
                #expect(series.status == 200 && series.contains("<table>") && series.contains("<svg"))
                // A form posted without the page's form token changes nothing.
                let task = try #require(try await w.openTask())
                var forged = browser
                forged.cookies["dz_form"] = "forged"
                let refused = try await forged.post(client, "/surveillance/tasks/\(task.id)", ["form_token": "other", "status": "completed"])
                #expect(refused.status == 403)
                #expect(try await repo.read(type: "Task", id: task.id).json["status"]?.stringValue == "requested")
                // Closed as investigated: no open alarm left.
                let token = try #require(dashboard.formToken)
                let closed = try await browser.post(client, "/surveillance/tasks/\(task.id)", ["form_token": token, "status": "completed"])
                #expect(closed.status == 303)
                #expect(try await repo.read(type: "Task", id: task.id).json["status"]?.stringValue == "completed")
                let after = try await browser.get(client, "/surveillance")
                #expect(after.contains("No open alarms.") && after.contains("The task was updated.") == false)
                // Signing out ends the session.
                let out = try await browser.post(client, "/sign-out", ["form_token": token])
                #expect(out.status == 303 && browser.cookies["dz_access"] == nil)
                #expect(try await browser.get(client, "/surveillance").status == 303)
            }
            try await w.audit.shutdown()
        }
    }

    @Test(arguments: TestDatabase.available)
    func anotherRegionAndAnotherRoleAreRefused(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            try await w.app().test(.router) { client in
                var astana = WebBrowser(language: "kk-KZ,ru;q=0.8")
                _ = try await astana.signIn(client, "epi.astana", Self.password)
                let own = try await astana.get(client, "/surveillance")
                #expect(own.status == 200 && own.contains("Ашық сигналдар жоқ."))
                let task = try #require(try await w.openTask())
                let token = try #require(own.formToken)
                let refused = try await astana.post(client, "/surveillance/tasks/\(task.id)", ["form_token": token, "status": "rejected"])
                #expect(refused.status == 403 && refused.contains("Бұл бет сіздің рөліңіз үшін қолжетімсіз."))
                #expect(try await repo.read(type: "Task", id: task.id).json["status"]?.stringValue == "requested")
                #expect(try await astana.get(client, "/surveillance/series?disease=A02&region=750000000").status == 403)
                var doctor = WebBrowser()
                _ = try await doctor.signIn(client, "doctor", Self.password)
                #expect(try await doctor.get(client, "/surveillance").status == 403)
                #expect(try await doctor.get(client, "/surveillance/notify").status == 403)
            }
            try await w.audit.shutdown()
        }
    }

    @Test(arguments: TestDatabase.available)
    func aPaperNotificationIsTypedInAndItsProblemsAreNamed(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            let before = try await CaseCounts(repository: repo).journal(.init(), limit: 10_000).count
            try await w.app().test(.router) { client in
                var browser = WebBrowser()
                _ = try await browser.signIn(client, "epi.almaty", Self.password)
                let form = try await browser.get(client, "/surveillance/notify?lang=en")
                let token = try #require(form.formToken)
                #expect(form.contains(#"<label for="iin">Patient's IIN</label>"#) || form.contains("Patient&#39;s IIN") || form.contains("Patient&#x27;s IIN"))
                let today = Instant.now().dateInKazakhstan
                var fields = ["form_token": token, "iin": "12345", "code": "B05.9", "onset": today, "diagnosed": today, "status": "suspected",
                              "organization": w.organization]
                #expect(try await browser.post(client, "/surveillance/notify", fields).contains("The IIN must be 12 digits."))
                fields["iin"] = w.patientIIN
                fields["onset"] = "2999-01-01"
                fields["code"] = "K35.8"
                let bad = try await browser.post(client, "/surveillance/notify", fields)
                #expect(bad.status == 400 || bad.status == 422)
                #expect(bad.contains("The notification was not accepted") && bad.contains("Diagnosis (ICD-10):") && bad.contains("Date of onset:"))
                #expect(try await CaseCounts(repository: repo).journal(.init(), limit: 10_000).count == before)
                fields["onset"] = today
                fields["code"] = "B05.9"
                let good = try await browser.post(client, "/surveillance/notify", fields)
                #expect(good.status == 201 && good.contains("A new case was registered."))
                let again = try await browser.post(client, "/surveillance/notify", fields)
                #expect(again.status == 200 && again.contains("merged"))
                // The journal lists the case once, with its two notifications; a bad date is named.
                let journal = try await browser.get(client, "/surveillance/journal?disease=B05&from=2026-13-40")
                #expect(journal.status == 200 && journal.contains("B05 Measles") && journal.contains("2026-13-40") && journal.contains("is not a date."))
                #expect(journal.contains(#"<a href="/surveillance/journal" aria-current="page">Journal</a>"#))
                #expect(!journal.contains(#"<a href="/surveillance" aria-current="page">"#))
            }
            let measles = try await CaseCounts(repository: repo).journal(.init(disease: "B05"))
            #expect(measles.count == 1 && measles.first?.notifications == 2 && measles.first?.electronic == 0)
            try await w.audit.shutdown()
            let entries = try await repo.database.read { db in
                try await db.raw("SELECT action, patient, outcome FROM audit_log WHERE action IN ('notify', 'journal')").all()
            }
            // Two accepted notifications and one refused (the invalid IIN reached no patient), and the journal's patient.
            #expect(entries.count == 4)
        }
    }
}
