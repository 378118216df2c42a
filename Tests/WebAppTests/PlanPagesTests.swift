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
            let cancer = try Self.plans.plan("cancer-plan-2023-2027")
            let direction = try #require(cancer.sections.first { cancer.sectionIDs(within: $0.id).contains(cancer.measuresByKey[measure]?.section ?? "") }?.id)
            try await server.app().test(.router) { client in
                var mz = WebBrowser()
                _ = try await mz.signIn(client, "mz", Self.password)
                // The overview lists the directions with their counts and links; the measures are on a direction's page.
                let overview = try await mz.get(client, "/plans/cancer-plan-2023-2027?lang=kk")
                #expect(overview.status == 200 && overview.contains("href=\"/plans/cancer-plan-2023-2027/sections/\(direction)?period=\(latest)\""))
                #expect(!overview.contains("report-form") && overview.contains("id=\"reports-title\""))
                let page = try await mz.get(client, "/plans/cancer-plan-2023-2027/sections/\(direction)?period=\(latest)")
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
                #expect(sent.location?.contains("done=plan_report") == true && sent.location?.contains("/sections/\(direction)?") == true)
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
                #expect(plan.contains("<svg") && plan.contains("КазНИИОиР"))
                // The financing summary as printed (million tenge), with its chart.
                #expect(plan.contains("id=\"financing-title\"") && plan.contains("460\u{00A0}670,4"))
                let section = try await analyst.get(client, "/plans/cancer-plan-2023-2027/sections/\(direction)?period=\(latest)")
                #expect(section.contains("Проведено обучение 120 врачей ПМСП") && !section.contains("report-form"))
                let docx = try await analyst.get(client, "/plans/cancer-plan-2023-2027/report.docx?period=\(latest)")
                #expect(docx.status == 200 && docx.html.hasPrefix("PK"))
                let csv = try await analyst.get(client, "/plans/cancer-plan-2023-2027/export.csv?executor=МЗ".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")
                #expect(csv.status == 200 && csv.contains("in-progress,Проведено обучение 120 врачей ПМСП"))
                let indicators = try await analyst.get(client, "/plans/cancer-plan-2023-2027/indicators.csv")
                #expect(indicators.status == 200 && indicators.contains(",2024,") && indicators.contains(",31,") && indicators.contains("КазНИИОиР"))

                var doctor = WebBrowser()
                _ = try await doctor.signIn(client, "doctor", Self.password)
                #expect(try await doctor.get(client, "/plans").status == 403)
            }
            try await server.audit.shutdown()
        }
    }

    /// The plans without a reporting cycle show their measures, projects and process groups with deadlines,
    /// responsible bodies, money and their own fields; the roadmap's financing as printed.
    @Test(arguments: TestDatabase.available)
    func plansWithoutACycleShowTheirMeasuresAndMoney(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let server = try await WebTestServer.make(repo, accounts: [NewAccount(username: "analyst", password: Self.password, role: .analyst)])
            try await server.app().test(.router) { client in
                try await Self.readThePlansWithoutACycle(client)
            }
            try await server.audit.shutdown()
        }
    }

    static func readThePlansWithoutACycle(_ client: some TestClientProtocol) async throws {
        var analyst = WebBrowser()
        _ = try await analyst.signIn(client, "analyst", Self.password)
        let nbsp = "\u{00A0}"
        let roadmap = try await analyst.get(client, "/plans/almaty-roadmap-2025-2030")
        // The three sections under the block's single heading, each with its money re-added from the projects.
        #expect(roadmap.contains("href=\"/plans/almaty-roadmap-2025-2030/sections/inclusive-environment\"") && roadmap.contains("114\(nbsp)503"))
        #expect(roadmap.contains("1\(nbsp)651\(nbsp)133") && roadmap.contains("id=\"financing-title\""))
        let inclusive = try await analyst.get(client, "/plans/almaty-roadmap-2025-2030/sections/inclusive-environment")
        #expect(inclusive.status == 200 && inclusive.contains("Формирование института профилактики и предупреждения инвалидности"))
        #expect(inclusive.contains("2026-2030: 2\(nbsp)434") && inclusive.contains("всего 6\(nbsp)544 млн тенге"))
        #expect(inclusive.contains("Охват не менее 150 детей с инвалидностью в год"))
        let process = try await analyst.get(client, "/plans/digital-map-2025/sections/1?lang=en")
        #expect(process.contains("Attachment to primary health care (PHC)") && process.contains("<table class=\"timeline\">") && process.contains("<td>R</td>"))
        // By executor: the pandemic plan's measures of one responsible body only.
        let pandemic = try Self.plans.plan("pandemic-plan-2020")
        let body = try #require(pandemic.measures.first { $0.section == "1" }?.responsible.first?.ru)
        let others = pandemic.measures.filter { $0.section == "1" && !$0.responsible.contains { $0.ru == body } }
        let filtered = try await analyst.get(client, "/plans/pandemic-plan-2020/sections/1?lang=ru&executor=" + (body.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        #expect(filtered.contains(pandemic.measures[0].ru))
        if let other = others.first { #expect(!filtered.contains(other.ru)) }
        #expect(try await analyst.get(client, "/plans/health-concept-2026/sections/99").status == 404)
        // The measures with their money for a spreadsheet: a column per printed year or period, and per source.
        let csv = try await analyst.get(client, "/plans/almaty-roadmap-2025-2030/measures.csv")
        #expect(csv.status == 200 && csv.contains("amount_2026-2030") && csv.contains("source_МБ"))
        #expect(csv.contains("1,inclusive-environment,,Формирование института профилактики и предупреждения инвалидности,"))
        // Columns 2022, 2023, 2024, 2024-2025, 2025, 2026-2030, total; sources МБ, РБ, ЧИ.
        #expect(csv.contains(",,1350,1361,,1399,2434,6544,6544,,,"))
    }
}
