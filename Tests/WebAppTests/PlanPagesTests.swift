import DatabaseTesting
import FHIRStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Identity
import StatePlans
import StrategyMonitoring
import Testing
import WebApp

/// Strategy monitoring through HTTP as a browser uses it, on SQLite and PostgreSQL: the analyst's dashboards and
/// downloads, the executor's report submitted (and a refused one that stores nothing), and who may not see it.
@Suite struct PlanPagesTests {
    static let password = "pw-plans-long-enough"
    static let plans: PlanLibrary = { (try? PlanLibrary.shipped()) ?? PlanLibrary(plans: []) }()

    @Test(arguments: TestDatabase.available)
    func anExecutorReportsAndTheAnalystSeesIt(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let server = try await WebTestServer.make(repo, accounts: [
                NewAccount(username: "analyst", password: Self.password, role: .analyst),
                NewAccount(username: "mz", password: Self.password, role: .planExecutor, organization: "МЗ"),
                NewAccount(username: "doctor", password: Self.password, role: .clinician, organization: "o", practitioner: "p"),
            ])
            try await IndicatorFacts(database: repo.database, plans: Self.plans)
                .enter(plan: "cancer-plan-2023-2027", indicator: "1", year: 2024, value: 31, source: "КазНИИОиР", by: "analyst")
            let reports = ProgressReports(database: repo.database, plans: Self.plans)
            let today = try #require(Day(Instant.now().dateInKazakhstan))
            let mine = try await reports.obligations(plan: "cancer-plan-2023-2027", executor: "МЗ", today: today)
            let latest = try #require(mine.filter { $0.due <= today }.map(\.period).max())
            let measure = try #require(mine.first { $0.period == latest }?.measure)
            try await server.app().test(.router) { client in
                var mz = WebBrowser()
                _ = try await mz.signIn(client, "mz", Self.password)
                let page = try await mz.get(client, "/plans/cancer-plan-2023-2027?lang=kk")
                #expect(page.status == 200 && page.contains("Есепті ұсыну") && page.contains("id=\"m-\(measure)\""))
                #expect(page.contains("action=\"/plans/cancer-plan-2023-2027/reports\"") && !page.contains("action=\"/plans/1/reports\""))
                let token = try #require(page.formToken)
                let empty = try await mz.post(client, "/plans/cancer-plan-2023-2027/reports",
                                              ["form_token": token, "measure": measure, "period": latest.description, "status": "done", "progress": " "])
                #expect(empty.location?.contains("refused=plan_progress") == true)
                #expect(try await reports.reports(plan: "cancer-plan-2023-2027").isEmpty)
                let sent = try await mz.post(client, "/plans/cancer-plan-2023-2027/reports",
                                             ["form_token": token, "measure": measure, "period": latest.description, "status": "in-progress",
                                              "progress": "Проведено обучение 120 врачей ПМСП", "evidence": "https://example.kz/order.pdf"])
                #expect(sent.location?.contains("done=plan_report") == true)
                // A browser does not send the fragment (`#m-…`: back at the measure's card); the page is in Kazakh, as chosen.
                let back = String((sent.location ?? "/").split(separator: "#").first ?? "/")
                #expect(try await mz.get(client, back).contains("Іс-шара бойынша есеп ұсынылды."))
                #expect(try await reports.reports(plan: "cancer-plan-2023-2027", executor: "МЗ").first?.progress == "Проведено обучение 120 врачей ПМСП")
                // The executor does not download the ministry's consolidated report.
                #expect(try await mz.get(client, "/plans/cancer-plan-2023-2027/report.docx").status == 403)

                var analyst = WebBrowser()
                _ = try await analyst.signIn(client, "analyst", Self.password)
                let list = try await analyst.get(client, "/plans")
                #expect(list.status == 200 && list.contains("Комплексный план по борьбе с онкологическими заболеваниями"))
                let plan = try await analyst.get(client, "/plans/cancer-plan-2023-2027?period=\(latest)")
                #expect(plan.contains("Проведено обучение 120 врачей ПМСП") && plan.contains("<svg") && plan.contains("КазНИИОиР"))
                let docx = try await analyst.get(client, "/plans/cancer-plan-2023-2027/report.docx?period=\(latest)")
                #expect(docx.status == 200 && docx.html.hasPrefix("PK"))
                let csv = try await analyst.get(client, "/plans/cancer-plan-2023-2027/export.csv?executor=МЗ".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")
                #expect(csv.status == 200 && csv.contains("in-progress,Проведено обучение 120 врачей ПМСП"))

                var doctor = WebBrowser()
                _ = try await doctor.signIn(client, "doctor", Self.password)
                #expect(try await doctor.get(client, "/plans").status == 403)
            }
            try await server.audit.shutdown()
        }
    }
}
