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
        var budget = Budget()
        for row in moneyRows(of: measure) {
            let money = money(of: row)
            var part = Budget()
            part.columns = money.columns
            part.sources = money.sources
            part.total = money.total ?? (money.columns.isEmpty ? nil : money.columns.values.reduce(0, +))
            budget.add(part)
        }
        for text in measure.budget.compactMap(\.text) where !budget.texts.contains(text) { budget.texts.append(text) }
        return budget
    }

    /// The money of a section and its sub-sections: the budgets of its top-level measures added up.
    public func budget(section id: String) -> Budget {
        let ids = sectionIDs(within: id)
        var budget = Budget()
        for measure in topLevelMeasures where ids.contains(measure.section) {
            var own = self.budget(of: measure)
            own.texts = []
            budget.add(own)
        }
        return budget
    }

    /// Whether any measure of the plan prints an amount.
    public var hasMoney: Bool { measures.contains { !budget(of: $0).isEmpty } }
}
