import Foundation

/// The section totals of a summary must add up to its grand total (the roadmap's three «Итого по разделу» rows
/// against «ВСЕГО ПО БЛОКУ»), per column, per source and in total.
public struct SectionTotalsCheck: PlanCheck {
    public init() {}

    public func run(_ plan: Plan) -> [Discrepancy] {
        guard let financing = plan.financing, let total = financing.total else { return [] }
        let sections = financing.rows.filter { $0.section != nil }
        guard sections.count > 1 else { return [] }
        let names = sections.compactMap(\.section).joined(separator: " + ")
        var pairs: [(String, Decimal?, Decimal)] = Set(total.years.keys).union(sections.flatMap(\.years.keys)).sorted().map { column in
            (column.description, total.years[column], Compare.sum(sections.compactMap { $0.years[column] }))
        }
        pairs.append(("total", total.total, Compare.sum(sections.compactMap(\.total))))
        pairs += Set(total.sources.keys).union(sections.flatMap(\.sources.keys)).sorted().map { source in
            (source, total.sources[source], Compare.sum(sections.compactMap { $0.sources[source] }))
        }
        return pairs.compactMap { column, printed, sum in
            guard Compare.differs(printed ?? 0, sum) else { return nil }
            return Discrepancy(
                planID: plan.id, kind: .sectionsVsGrandTotal, location: "financing total", column: column,
                expected: printed.map(Compare.text) ?? "no amount", found: Compare.text(sum),
                message: "financing total, \(column): the section totals (\(names)) add up to \(Compare.text(sum)) but the grand total prints \(printed.map(Compare.text) ?? "no amount")")
        }
    }
}
