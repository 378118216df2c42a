import Foundation

/// Money as the dashboards show it: a measure's or a direction's amounts per column ("2023", "2026-2030") and
/// per source, and the total, in the plan's currency — added up from the printed rows, so a figure on a page can
/// always be traced to the document (the checks say where the document's own sums disagree).
public struct Budget: Sendable, Equatable {
    public var columns: [YearRange: Decimal] = [:]
    public var sources: [String: Decimal] = [:]
    /// The printed totals, or a row's columns added up where it prints no total.
    public var total: Decimal?
    /// What the rows say instead of an amount ("не требуется", "в пределах выделенных средств"), once each.
    public var texts: [String] = []

    public init() {}

    public var isEmpty: Bool { columns.isEmpty && sources.isEmpty && total == nil }

    mutating func add(_ other: Budget) {
        for (k, v) in other.columns { columns[k, default: 0] += v }
        for (k, v) in other.sources { sources[k, default: 0] += v }
        if let t = other.total { total = (total ?? 0) + t }
        for text in other.texts where !texts.contains(text) { texts.append(text) }
    }
}

extension Plan {
    /// A measure's money: its own row's amounts, or — for a heading row without amounts — its sub-items' added up.
    public func budget(of measure: Measure) -> Budget {
        var budget = Self.combine(moneyRows(of: measure).map { money(of: $0) })
        for text in measure.budget.compactMap(\.text) where !budget.texts.contains(text) { budget.texts.append(text) }
        return budget
    }

    /// Every measure's budget in document order, as `budget(of:)` gives it, in one pass: a page that shows many
    /// measures asks for this once (looking sub-items up one measure at a time scans the plan for each).
    public func budgets() -> [Budget] {
        let perSection = numbersRestartPerSection
        func key(_ section: String, _ number: String) -> String { perSection ? section + "|" + number : number }
        var children: [String: [Int]] = [:]
        for (i, m) in measures.enumerated() { if let parent = m.parent { children[key(m.section, parent), default: []].append(i) } }
        let own = measures.map { money(of: $0) }
        func rows(_ i: Int, depth: Int) -> [Int] {
            if !own[i].isEmpty { return [i] }
            guard depth < 8, let number = measures[i].number else { return [] }
            return (children[key(measures[i].section, number)] ?? []).flatMap { rows($0, depth: depth + 1) }
        }
        return measures.indices.map { i in
            var budget = Self.combine(rows(i, depth: 0).map { own[$0] })
            for text in measures[i].budget.compactMap(\.text) where !budget.texts.contains(text) { budget.texts.append(text) }
            return budget
        }
    }

    /// The money of a section and its sub-sections: the budgets of its top-level measures added up. `budgets`:
    /// the plan's `budgets()` if already computed.
    public func budget(section id: String, budgets: [Budget]? = nil) -> Budget {
        let ids = sectionIDs(within: id)
        var budget = Budget()
        for (i, measure) in measures.enumerated() where measure.parent == nil && ids.contains(measure.section) {
            var own = budgets?[i] ?? self.budget(of: measure)
            own.texts = []
            budget.add(own)
        }
        return budget
    }

    /// Whether any measure of the plan prints an amount.
    public var hasMoney: Bool { measures.contains { !money(of: $0).isEmpty } }

    static func combine(_ rows: [RowMoney]) -> Budget {
        var budget = Budget()
        for money in rows {
            var part = Budget()
            part.columns = money.columns
            part.sources = money.sources
            part.total = money.total ?? (money.columns.isEmpty ? nil : money.columns.values.reduce(0, +))
            budget.add(part)
        }
        return budget
    }
}
