import Foundation
import Hummingbird
import StatePlans
import StrategyMonitoring

/// `/plans/<id>/sections/<section>`: one direction of a plan with its measures.
extension PlanPages {
    /// One direction (or section) of a plan: its measures grouped by sub-section. Where the plan has a reporting
    /// cycle, each measure's obligation of the chosen period with its report — and, for the executor, the form to
    /// submit it; otherwise the measures themselves, filtered by executor.
    func section(_ page: PageRequest, id: String, section: String) async throws -> Response {
        let principal = try page.require(Self.viewers)
        let plan = try plan(id)
        guard let top = plan.allSections.first(where: { $0.id == section }) else { throw PageRefusal(status: 404, messageKey: "not_found") }
        let today = Self.today()
        let ownOnly = principal.accountRole == .planExecutor
        let executor = ownOnly ? principal.org : page.query("executor").flatMap { $0.isEmpty ? nil : $0 }
        let cycle = !plan.reporting.isEmpty
        let all = cycle ? try await reports.obligations(plan: id, executor: executor, today: today) : []
        let period = Self.chosenPeriod(all, page.query("period"), today: today)
        let language = page.language
        let card = MeasureCard(plan: plan, page: page)
        let keys = plan.measureKeys
        let byKey = plan.measuresByKey
        let budgets = plan.budgets()
        let budgetByKey = Dictionary(zip(keys, budgets), uniquingKeysWith: { first, _ in first })
        // A measure of several executors has several cards: the first is the measure's anchor (`#m-<key>`).
        var anchors: [String: Int] = [:]
        func anchor(_ measure: String) -> String {
            anchors[measure, default: 0] += 1
            return anchors[measure] == 1 ? "m-\(measure)" : "m-\(measure)-\(anchors[measure] ?? 0)"
        }
        let shown = all.filter { $0.period == period }
        let groups: [[String: Any]] = top.flattened.compactMap { s in
            let cards: [[String: Any]]
            if cycle {
                // One card per measure with each executor's obligation of the period under it (a measure of five
                // bodies is read once, not five times).
                var order: [String] = []
                var byMeasure: [String: [ProgressReports.Obligation]] = [:]
                for o in shown where byKey[o.measure]?.section == s.id {
                    if byMeasure[o.measure] == nil { order.append(o.measure) }
                    byMeasure[o.measure, default: []].append(o)
                }
                cards = order.compactMap { key in
                    guard let m = byKey[key] else { return nil }
                    var c = card.details(m, key: key, budget: budgetByKey[key] ?? Budget())
                    c["anchor"] = anchor(key)
                    c["obligations"] = (byMeasure[key] ?? []).enumerated().map { n, o -> [String: Any] in
                        var row: [String: Any] = ["executor": o.executor, "lead": o.lead, "state": page.t("plan_state_" + o.state.rawValue),
                                                  "overdue": o.state == .overdue, "status": o.report.map { page.t("plan_status_" + $0.status.rawValue) } ?? "",
                                                  "progress": o.report?.progress ?? "", "evidence": o.report?.evidence ?? "", "due": language.date(o.due.description),
                                                  "period": o.period.description]
                        if ownOnly && o.executor == principal.org {
                            row["can_submit"] = true
                            row["form_id"] = "\(key)-\(n)"
                            row["statuses"] = ProgressReports.Status.allCases.map { st in ["code": st.rawValue, "label": page.t("plan_status_" + st.rawValue), "selected": o.report?.status == st] }
                        }
                        return row
                    }
                    return c
                }
            } else {
                cards = plan.measures.indices.filter { plan.measures[$0].section == s.id && Self.names(plan.measures[$0], executor) }.map { i in
                    let key = keys[i]
                    var c = card.details(plan.measures[i], key: key, budget: budgets[i])
                    c["anchor"] = anchor(key)
                    return c
                }
            }
            guard !cards.isEmpty else { return nil }
            return ["heading": s.id == top.id ? "" : Self.heading(s, language), "cards": cards]
        }
        let periods = Array(Set(all.map(\.period))).sorted()
        var data: [String: Any] = [
            "plan_id": id, "plan_title": Self.title(plan.title, language), "section_id": top.id,
            "back": "/plans/\(id)" + Self.query(period: period, executor: ownOnly ? nil : executor),
            "has_cycle": cycle, "groups": groups, "empty": groups.isEmpty, "own_only": ownOnly,
            "periods": periods.map { p in ["value": p.description, "label": language.date(p.first.description) + " – " + language.date(p.last.description), "selected": p == period] },
            "period": period?.description ?? "", "has_period": period != nil,
            "executors": ownOnly ? [] : plan.executors.map { ["name": $0, "selected": $0 == executor] },
            "has_timeline": plan.measures.contains { $0.extra["timeline"] != nil },
        ]
        if let done = page.query("done") { data["notice"] = page.t("done_" + done) }
        if let refused = page.query("refused") { data["error"] = page.t("refused_" + refused) }
        let title = Self.heading(top, language)
        return page.render("plan-section", title: title, data)
    }

    static func number(_ value: Decimal, _ language: Language) -> String {
        let d = NSDecimalNumber(decimal: value).doubleValue
        return language.number(d, fractionDigits: d == d.rounded() ? 0 : (d * 10 == (d * 10).rounded() ? 1 : 2))
    }
}
