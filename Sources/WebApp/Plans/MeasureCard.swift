import Foundation
import StatePlans

/// What a page shows of a measure — also a roadmap's project and a digital map's business-process group: its
/// wording, form of completion, deadline as printed, responsible bodies, money, and the fields only its document
/// has (a process group's automation status and R/F/D quarters; a project's term, yearly goals, key results and
/// description).
struct MeasureCard {
    let plan: Plan
    let page: PageRequest

    var language: Language { page.language }

    func details(_ measure: Measure, key: String, budget: Budget) -> [String: Any] {
        var card: [String: Any] = [
            "measure": key, "text": language == .en ? (measure.en ?? measure.ru) : measure.ru, "sub": measure.parent != nil,
            "completion": measure.completionForm.map { PlanPages.title($0, language) } ?? "",
            "deadline": measure.deadline?.ru ?? "",
            "responsible": measure.responsible.map { body -> String in
                var name = language == .en ? (body.en ?? body.ru) : body.ru
                if body.lead { name += " (\(page.t("plan_lead")))" }
                if body.byAgreement { name += " (\(page.t("plan_by_agreement")))" }
                return name
            }.joined(separator: ", "),
            "money": money(budget),
        ]
        let extra = measure.extra
        if let current = extra["automation"]?["current"] { card["automation"] = wording(current) }
        if let status = extra["reengineeringStatus"] { card["reengineering"] = wording(status) }
        if case let .array(marks)? = extra["timeline"], !marks.isEmpty { card["timeline"] = timeline(marks) }
        if let from = extra["term"]?["from"]?.number, let to = extra["term"]?["to"]?.number { card["term"] = "\(from)–\(to)" }
        let goals = yearly(extra["goals"]), results = yearly(extra["keyResults"])
        card.merge(["goals": goals, "has_goals": !goals.isEmpty, "results": results, "has_results": !results.isEmpty, "has_quarters": card["timeline"] != nil]) { $1 }
        if let description = extra["description"]?.string { card["description"] = description }
        return card
    }

    /// "2023: 1 350 · … · 2026-2030: 2 434 — всего 6 544 млн тг. (МБ 6 544)", or what the row says instead.
    func money(_ budget: Budget) -> String {
        var parts = budget.columns.keys.sorted().compactMap { column in
            budget.columns[column].map { "\(column): \(PlanPages.number($0, language))" }
        }.joined(separator: " · ")
        if let total = budget.total {
            parts += (parts.isEmpty ? "" : " — ") + page.t("plan_total") + " " + PlanPages.number(total, language) + " " + currency
        }
        if !budget.sources.isEmpty {
            parts += " (" + budget.sources.keys.sorted().compactMap { s in budget.sources[s].map { "\(s) \(PlanPages.number($0, language))" } }.joined(separator: ", ") + ")"
        }
        let texts = budget.texts.joined(separator: "; ")
        return parts.isEmpty ? texts : texts.isEmpty ? parts : parts + "; " + texts
    }

    /// The plan's currency in the page's language.
    var currency: String {
        guard let unit = plan.currency?.unit else { return "" }
        return page.t("money_" + unit.rawValue.replacingOccurrences(of: " KZT", with: "").replacingOccurrences(of: "KZT", with: "tenge"))
    }

    func wording(_ value: PlanValue) -> String {
        if let text = value.string { return text }
        return (language == .en ? (value["en"]?.string ?? value["ru"]?.string) : (value["ru"]?.string ?? value["en"]?.string)) ?? ""
    }

    /// Year → text ("2025": "Охват не менее 120 детей…"), in year order.
    func yearly(_ value: PlanValue?) -> [[String: String]] {
        guard case let .object(members)? = value else { return [] }
        return members.keys.sorted().compactMap { year in members[year]?.string.map { ["year": year, "text": $0] } }
    }

    /// The R/F/D marks as rows of years with four quarters.
    func timeline(_ marks: [PlanValue]) -> [[String: Any]] {
        var cells: [Int: [Int: [String]]] = [:]
        for mark in marks {
            guard let year = mark["year"]?.number.map({ NSDecimalNumber(decimal: $0).intValue }),
                  let quarter = mark["quarter"]?.number.map({ NSDecimalNumber(decimal: $0).intValue }), (1...4).contains(quarter) else { continue }
            let text = mark["mark"]?.string ?? mark["printed"]?.string ?? ""
            cells[year, default: [:]][quarter, default: []].append(text)
        }
        return cells.keys.sorted().map { year in
            ["year": year, "quarters": (1...4).map { q in ["mark": (cells[year]?[q] ?? []).joined(separator: " ")] }]
        }
    }
}
