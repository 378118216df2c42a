import Foundation

/// The amounts per funding source must add up to the total: in a measure's row that prints source columns (the
/// roadmap's МБ / РБ / ЧИ), in a summary row that splits by source, and — in a summary of source rows (the cancer
/// plan's РБ, МБ, ВС) — the level-0 source rows against «Итого», per year and in total.
public struct SourcesVsTotalCheck: PlanCheck {
    public init() {}

    public func run(_ plan: Plan) -> [Discrepancy] {
        var found: [Discrepancy] = []
        for measure in plan.measures {
            let money = plan.money(of: measure)
            guard !money.sources.isEmpty, let total = money.total else { continue }
            let sources = Compare.sum(money.sources.values)
            guard Compare.differs(total, sources) else { continue }
            found.append(Discrepancy(
                planID: plan.id, kind: .sourcesVsTotal, location: plan.label(of: measure), column: "total",
                expected: Compare.text(total), found: Compare.text(sources),
                message: "\(plan.label(of: measure)): the sources (\(Self.list(money.sources))) add up to \(Compare.text(sources)) but the total is printed as \(Compare.text(total))"))
        }
        guard let financing = plan.financing else { return found }
        for row in financing.rows + [financing.total].compactMap({ $0 }) {
            guard let total = row.total, !row.sources.isEmpty else { continue }
            let sources = Compare.sum(row.sources.values)
            guard Compare.differs(total, sources) else { continue }
            let label = row == financing.total ? "financing total" : row.label
            found.append(Discrepancy(
                planID: plan.id, kind: .sourcesVsTotal, location: label, column: "total",
                expected: Compare.text(total), found: Compare.text(sources),
                message: "\(label): the sources (\(Self.list(row.sources))) add up to \(Compare.text(sources)) but the total is printed as \(Compare.text(total))"))
        }
        found += sourceRowsVsTotal(plan, financing)
        return found
    }

    /// The level-0 source rows of a summary without section rows, against its total row.
    private func sourceRowsVsTotal(_ plan: Plan, _ financing: Financing) -> [Discrepancy] {
        let sourceRows = financing.rows.filter { $0.level == 0 && $0.source != nil && $0.section == nil }
        guard let total = financing.total, sourceRows.count > 1 else { return [] }
        let names = sourceRows.compactMap(\.source).joined(separator: " + ")
        var found: [Discrepancy] = []
        for column in total.years.keys.sorted() {
            let printed = total.years[column] ?? 0
            let sum = Compare.sum(sourceRows.compactMap { $0.years[column] })
            guard Compare.differs(printed, sum) else { continue }
            found.append(Discrepancy(
                planID: plan.id, kind: .sourcesVsTotal, location: "financing total", column: column.description,
                expected: Compare.text(printed), found: Compare.text(sum),
                message: "financing total, \(column): \(names) = \(Compare.text(sum)) but the total is printed as \(Compare.text(printed))"))
        }
        if let printed = total.total {
            let sum = Compare.sum(sourceRows.compactMap(\.total))
            if Compare.differs(printed, sum) {
                found.append(Discrepancy(
                    planID: plan.id, kind: .sourcesVsTotal, location: "financing total", column: "total",
                    expected: Compare.text(printed), found: Compare.text(sum),
                    message: "financing total: \(names) = \(Compare.text(sum)) but the total is printed as \(Compare.text(printed))"))
            }
        }
        return found
    }

    static func list(_ sources: [String: Decimal]) -> String {
        sources.sorted { $0.key < $1.key }.map { "\($0.key) \(Compare.text($0.value))" }.joined(separator: ", ")
    }
}
