import FHIRStore
import Foundation
import Hummingbird
import Identity
import KazakhstanRegions
import StatePlans
import StrategyMonitoring

/// Strategy monitoring in the browser (issue 7): the state plans with where each stands — per direction the
/// executors' reports of a period (submitted, due, overdue), each measure's report, the indicators' plan vs fact
/// with charts, by region — for the ministry's and akimats' analysts; the executor's own reports and their
/// submission; CSV, and the consolidated report as Word and Excel.
struct PlanPages: Sendable {
    let app: WebApp

    static let viewers: Set<Role> = [.analyst, .systemAdmin, .planExecutor]

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let pages = self, app = self.app
        router.get("/plans") { request, _ in await app.handle(request) { page in try await pages.list(page) } }
        router.get("/plans/:id") { request, context in await app.handle(request, context) { page in try await pages.plan(page, id: page.parameter("id")) } }
        router.get("/plans/:id/sections/:section") { request, context in await app.handle(request, context) { page in try await pages.section(page, id: page.parameter("id"), section: page.parameter("section")) } }
        router.get("/plans/:id/measures.csv") { request, context in await app.handle(request, context) { page in try await pages.measuresCSV(page, id: page.parameter("id")) } }
        router.get("/plans/:id/indicators.csv") { request, context in await app.handle(request, context) { page in try await pages.indicatorsCSV(page, id: page.parameter("id")) } }
        router.get("/plans/:id/export.csv") { request, context in await app.handle(request, context) { page in try await pages.csv(page, id: page.parameter("id")) } }
        for format in ["docx", "xlsx"] {
            router.get("/plans/:id/report.\(format)") { request, context in await app.handle(request, context) { page in try await pages.document(page, id: page.parameter("id"), format: format) } }
        }
        router.post("/plans/:id/reports") { request, context in await app.handle(request, context) { page in try await pages.submit(page, id: page.parameter("id")) } }
    }

    var reports: ProgressReports { ProgressReports(database: app.repository.database, plans: app.plans) }
    var facts: IndicatorFacts { IndicatorFacts(database: app.repository.database, plans: app.plans) }

    func plan(_ id: String) throws -> Plan {
        do { return try app.plans.plan(id) } catch { throw PageRefusal(status: 404, messageKey: "not_found") }
    }

    static func today() -> Day { Day(Instant.now().dateInKazakhstan) ?? Day.endOfYear(2026) }

    static func title(_ wording: Wording, _ language: Language) -> String {
        language == .en ? (wording.en ?? wording.ru ?? "") : (wording.ru ?? wording.en ?? "")
    }

    // MARK: - The list

    func list(_ page: PageRequest) async throws -> Response {
        let principal = try page.require(Self.viewers)
        let today = Self.today()
        var rows: [[String: Any]] = []
        for plan in app.plans.plans {
            let executor = principal.accountRole == .planExecutor ? principal.org : nil
            let obligations = try await reports.obligations(plan: plan.id, executor: executor, today: today)
            if executor != nil && obligations.isEmpty { continue }
            rows.append(["id": plan.id, "title": Self.title(plan.title, page.language), "period": "\(plan.period.from)–\(plan.period.to)",
                         "measures": plan.measures.count, "indicators": plan.indicators.count, "has_cycle": !plan.reporting.isEmpty,
                         "submitted": obligations.filter { $0.state == .submitted }.count, "overdue": obligations.filter { $0.state == .overdue }.count,
                         "due": obligations.filter { $0.state == .due }.count])
        }
        return page.render("plans", title: page.t("plans_title"), ["plans": rows, "executor": principal.accountRole == .planExecutor ? (principal.org ?? "") : ""])
    }

    // MARK: - One plan

    /// The reporting period a page is about: `?period=`, else the one of the latest report due by today, else the first.
    static func chosenPeriod(_ obligations: [ProgressReports.Obligation], _ wanted: String?, today: Day) -> ReportingPeriod? {
        let periods = Set(obligations.map(\.period))
        if let wanted, let p = ReportingPeriod(wanted), periods.contains(p) { return p }
        return obligations.filter { $0.due <= today }.max { $0.due < $1.due }?.period ?? periods.min()
    }

    /// The plan's overview: where it stands per direction (its measures, money, and the executors' reports of the
    /// chosen period), the financing summary with its chart, and the indicators plan vs fact for the country or a
    /// region. A direction's measures are on their own page, so the overview stays small for the 139 measures of
    /// the Concept or the 120 projects of the roadmap.
    func plan(_ page: PageRequest, id: String) async throws -> Response {
        let principal = try page.require(Self.viewers)
        let plan = try plan(id)
        let today = Self.today()
        let ownOnly = principal.accountRole == .planExecutor
        let executor = ownOnly ? principal.org : page.query("executor").flatMap { $0.isEmpty ? nil : $0 }
        let all = try await reports.obligations(plan: id, executor: executor, today: today)
        let period = Self.chosenPeriod(all, page.query("period"), today: today)
        let shown = all.filter { $0.period == period }
        let language = page.language
        let byKey = plan.measuresByKey
        let hasMoney = plan.hasMoney
        let budgets = hasMoney ? plan.budgets() : nil
        let card = MeasureCard(plan: plan, page: page)
        let query = Self.query(period: period, executor: ownOnly ? nil : executor)
        let directions: [[String: Any]] = Self.directions(of: plan).compactMap { top in
            let ids = plan.sectionIDs(within: top.id)
            let measures = plan.measures.lazy.filter { m in ids.contains(m.section) && (plan.reporting.isEmpty ? Self.names(m, executor) : true) }.count
            guard measures > 0 else { return nil }
            let rows = shown.filter { o in byKey[o.measure].map { ids.contains($0.section) } ?? false }
            let money = hasMoney ? plan.budget(section: top.id, budgets: budgets).total.map { Self.number($0, language) } ?? "—" : ""
            return ["section": top.id, "title": Self.heading(top, language), "measures": measures,
                    "href": "/plans/\(id)/sections/\(top.id)" + query, "money": money,
                    "submitted": rows.filter { $0.state == .submitted }.count, "overdue": rows.filter { $0.state == .overdue }.count,
                    "due": rows.filter { $0.state == .due }.count, "late": rows.contains { $0.state == .overdue }]
        }
        let periods = Array(Set(all.map(\.period))).sorted()
        let region = page.query("region").flatMap { r in Regions.all.first { $0.kato == r }?.kato } ?? ""
        var data: [String: Any] = [
            "plan_id": id, "plan_title": Self.title(plan.title, language), "act": plan.act?.ru ?? "", "period_years": "\(plan.period.from)–\(plan.period.to)",
            "has_cycle": !plan.reporting.isEmpty, "directions": directions, "has_money": hasMoney, "currency": card.currency,
            "periods": periods.map { p in ["value": p.description, "label": language.date(p.first.description) + " – " + language.date(p.last.description), "selected": p == period] },
            "period": period?.description ?? "", "has_period": period != nil, "own_only": ownOnly, "executor": executor ?? "",
            "executor_query": Self.encoded(executor ?? ""),
            "executors": ownOnly ? [] : plan.executors.map { ["name": $0, "selected": $0 == executor] },
            "regions": Regions.all.map { r in ["kato": r.kato, "name": language == .kk ? r.nameKk : language == .en ? r.nameEn : r.nameRu, "selected": r.kato == region] },
            "can_download": !ownOnly && period != nil, "region": region,
            "submitted": shown.filter { $0.state == .submitted }.count, "overdue": shown.filter { $0.state == .overdue }.count,
            "due": shown.filter { $0.state == .due }.count, "total": shown.count,
        ]
        if period != nil, !directions.isEmpty {
            // The period's reports by direction, as a chart under the table.
            let columns = directions.compactMap { $0["section"] as? String }
            func series(_ key: String, _ style: String) -> BudgetChart.Series {
                .init(label: page.t("plan_state_" + key), values: Dictionary(uniqueKeysWithValues: directions.compactMap { d in
                    (d["section"] as? String).map { ($0, Double(d[key] as? Int ?? 0)) } }), style: style)
            }
            let parts = [series("submitted", "s2"), series("due", "s0"), series("overdue", "late")]
            data["reports_chart"] = BudgetChart(id: "reports", title: page.t("plan_reports"), columns: columns, series: parts).svg()
            data["reports_legend"] = parts.map { ["label": $0.label, "colour": $0.style ?? ""] }
        }
        data.merge(try await indicators(plan, region: region, language: language, page: page)) { $1 }
        data.merge(financing(plan, page: page)) { $1 }
        return page.render("plan", title: Self.title(plan.title, language), data)
    }

    /// Plan vs fact of the plan's indicators, with a chart each, for the country or a region.
    func indicators(_ plan: Plan, region: String, language: Language, page: PageRequest) async throws -> [String: Any] {
        let table = try await facts.table(plan: plan.id, region: region)
        let indicators = table.enumerated().map { i, item -> [String: Any] in
            let (indicator, years) = item
            let name = language == .en ? (indicator.en ?? indicator.ru) : indicator.ru
            let numeric = years.contains { $0.plan != nil || $0.fact != nil }
            let chart = numeric ? PlanFactChart(id: "indicator-\(i)", title: name, points: years.map {
                .init(year: $0.year, plan: $0.plan.map { NSDecimalNumber(decimal: $0).doubleValue }, fact: $0.fact.map { NSDecimalNumber(decimal: $0.value).doubleValue },
                      achieved: $0.achievement?.achieved)
            }, planLabel: page.t("plan_plan"), factLabel: page.t("plan_fact")).svg() : ""
            return ["number": indicator.number, "name": name, "unit": indicator.unit.map { Self.title($0, language) } ?? "",
                    "better": indicator.better.map { page.t("plan_better_" + $0.rawValue) } ?? "", "chart": chart, "has_chart": numeric,
                    "years": years.map { row -> [String: Any] in
                        ["year": row.year, "plan": row.plan.map { Self.number($0, language) } ?? "—", "fact": row.fact.map { Self.number($0.value, language) } ?? "—",
                         "achieved": row.achievement.map { page.t($0.achieved ? "yes" : "no") } ?? "", "missed": row.achievement?.achieved == false,
                         "percent": row.achievement?.percent.map { language.number(NSDecimalNumber(decimal: $0).doubleValue, fractionDigits: 1) + " %" } ?? "",
                         "source": row.fact?.source ?? ""]
                    }]
        }
        return ["indicators": indicators, "has_indicators": !indicators.isEmpty]
    }

    /// The document's own financing summary as printed — rows by column — and a chart of its rows by column.
    func financing(_ plan: Plan, page: PageRequest) -> [String: Any] {
        guard let financing = plan.financing, let total = financing.total else { return [:] }
        let language = page.language
        let columns = Set(financing.rows.flatMap(\.years.keys)).union(total.years.keys).sorted()
        func label(_ row: Financing.Row) -> String {
            if let section = row.section, let s = plan.allSections.first(where: { $0.id == section }) { return language == .en ? (s.en ?? s.ru) : s.ru }
            return (language == .en ? (row.en ?? row.ru) : (row.ru ?? row.en)) ?? row.source ?? ""
        }
        func cells(_ row: Financing.Row) -> [String: Any] {
            ["label": label(row), "level1": row.level > 0, "cells": columns.map { ["value": row.years[$0].map { Self.number($0, language) } ?? "—"] },
             "total": row.total.map { Self.number($0, language) } ?? "—"]
        }
        let main = financing.rows.filter { $0.level == 0 }
        let chart = BudgetChart(id: "financing", title: page.t("plan_financing"),
                                columns: columns.map(\.description),
                                series: main.map { row in .init(label: label(row), values: Dictionary(uniqueKeysWithValues: row.years.map { ($0.key.description, NSDecimalNumber(decimal: $0.value).doubleValue) })) })
        let unit = financing.unit?.unit ?? plan.currency?.unit
        return ["has_financing": true, "financing_columns": columns.map { ["column": $0.description] }, "financing_rows": financing.rows.map(cells),
                "financing_total": cells(total), "financing_chart": chart.svg(),
                "financing_unit": unit.map { page.t("money_" + $0.rawValue.replacingOccurrences(of: " KZT", with: "").replacingOccurrences(of: "KZT", with: "tenge")) } ?? "",
                "financing_legend": main.enumerated().map { i, row in ["label": label(row), "colour": BudgetChart.colour(i)] }]
    }

    /// A section's heading with its number, unless its wording already has it ("Направление 1. Профилактика…").
    static func heading(_ section: Section, _ language: Language) -> String {
        let wording = language == .en ? (section.en ?? section.ru) : section.ru
        let numbered = wording.hasPrefix(section.id + ".") || wording.contains(" \(section.id).") || wording.contains(" \(section.id) ")
        return numbered ? wording : "\(section.id). " + wording
    }

    /// The sections the overview lists: the plan's top-level ones, or — where a single heading holds them all, as
    /// the roadmap's «Социальная устойчивость» — the sections under it.
    static func directions(of plan: Plan) -> [Section] {
        var level = plan.sections
        while level.count == 1, let only = level.first, !only.sections.isEmpty, !plan.measures.contains(where: { $0.section == only.id }) {
            level = only.sections
        }
        return level
    }

    /// Whether a measure names the executor among its responsible bodies (any measure when no executor is chosen).
    static func names(_ measure: Measure, _ executor: String?) -> Bool {
        guard let executor else { return true }
        return measure.responsible.contains { $0.ru == executor }
    }

    /// `?period=…&executor=…` for links between a plan's pages.
    static func query(period: ReportingPeriod?, executor: String?) -> String {
        var items: [String] = []
        if let period { items.append("period=" + period.description) }
        if let executor, !executor.isEmpty { items.append("executor=" + encoded(executor)) }
        return items.isEmpty ? "" : "?" + items.joined(separator: "&")
    }

    static func encoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }

    // MARK: - Submitting

    func submit(_ page: PageRequest, id: String) async throws -> Response {
        let form = try await page.form()
        let principal = try page.require([.planExecutor])
        guard let executor = principal.org else { throw PageRefusal(status: 403, messageKey: "forbidden") }
        let plan = try plan(id)
        // Back to the direction page of the measure (the top-level section it is printed under).
        let section = plan.measuresByKey[form["measure"] ?? ""].flatMap { m in Self.directions(of: plan).first { plan.sectionIDs(within: $0.id).contains(m.section) }?.id }
        let back = "/plans/\(id)" + (section.map { "/sections/\($0)" } ?? "") + "?period=\(Self.encoded(form["period"] ?? ""))"
        guard let period = ReportingPeriod(form["period"] ?? ""), let status = ProgressReports.Status(rawValue: form["status"] ?? "") else {
            return page.redirect(back + "&refused=plan_form")
        }
        do {
            try await reports.submit(plan: id, measure: form["measure"] ?? "", period: period, executor: executor, status: status,
                                     progress: form["progress"] ?? "", evidence: form["evidence"], by: principal.name ?? principal.sub.value)
        } catch let error as MonitoringError {
            let field = error.problems.first?.field ?? "form"
            return page.redirect(back + "&refused=plan_\(["progress", "evidence", "measure", "executor", "period"].contains(field) ? field : "form")#m-\(form["measure"] ?? "")")
        }
        return page.redirect(back + "&done=plan_report#m-\(form["measure"] ?? "")")
    }

    // MARK: - Downloads

    func csv(_ page: PageRequest, id: String) async throws -> Response {
        let principal = try page.require(Self.viewers)
        let plan = try plan(id)
        let executor = principal.accountRole == .planExecutor ? principal.org : page.query("executor")
        let obligations = try await reports.obligations(plan: id, executor: executor, today: Self.today())
        var file = CSVFile(header: ["period", "due", "measure", "executor", "lead", "state", "status", "progress", "evidence", "measure_text"])
        let byKey = plan.measuresByKey
        for o in obligations {
            file.rows.append([o.period.description, o.due.description, o.measure, o.executor, o.lead ? "yes" : "no", o.state.rawValue,
                              o.report?.status.rawValue ?? "", o.report?.progress ?? "", o.report?.evidence ?? "", byKey[o.measure]?.ru ?? ""])
        }
        return file.response(filename: "\(id)-reports.csv")
    }

    func document(_ page: PageRequest, id: String, format: String) async throws -> Response {
        let principal = try page.require([.analyst, .systemAdmin])
        _ = try plan(id)
        guard format == "docx" || format == "xlsx" else { throw PageRefusal(status: 404, messageKey: "not_found") }
        let today = Self.today()
        let all = try await reports.obligations(plan: id, today: today)
        guard let period = Self.chosenPeriod(all, page.query("period"), today: today) else { throw PageRefusal(status: 404, messageKey: "not_found") }
        let consolidated = ConsolidatedReport(reports: reports, facts: facts)
        let content = try await consolidated.content(plan: id, period: period, today: today)
        let author = principal.name ?? principal.sub.value
        let data = format == "docx" ? try consolidated.docx(content, author: author) : try consolidated.xlsx(content, author: author)
        let type = format == "docx" ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                                    : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(id)-\(period.first)-\(period.last).\(format)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
