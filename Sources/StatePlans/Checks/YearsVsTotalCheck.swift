import Foundation

/// Each row's year and period cells must add up to its printed total: every measure that prints both, and every
/// row of the summary table.
///
/// A cell printed once across several years (the roadmap's 1 650 for "2024-2025") is added once, as printed; the
/// message says so when counting it for each of its years would close the gap.
public struct YearsVsTotalCheck: PlanCheck {
    public init() {}

    public func run(_ plan: Plan) -> [Discrepancy] {
        var found: [Discrepancy] = []
        for measure in plan.measures {
            let money = plan.money(of: measure)
            guard !money.columns.isEmpty, let total = money.total else { continue }
            let years = Compare.sum(money.columns.values)
            guard Compare.differs(total, years) else { continue }
            var message = "\(plan.label(of: measure)): the year amounts add up to \(Compare.text(years)) but the total is printed as \(Compare.text(total))"
            for (column, value) in money.columns.sorted(by: { $0.key < $1.key }) where column.to > column.from {
                let spread = value * Decimal(column.to - column.from)
                if years + spread == total {
                    message += "; the total counts the \(column) amount \(Compare.text(value)) once for each of its years"
                }
            }
            found.append(Discrepancy(planID: plan.id, kind: .yearsVsTotal, location: plan.label(of: measure), column: "total",
                                     expected: Compare.text(total), found: Compare.text(years), message: message))
        }
        guard let financing = plan.financing else { return found }
        for row in financing.rows + [financing.total].compactMap({ $0 }) {
            guard let total = row.total, !row.years.isEmpty else { continue }
            let years = Compare.sum(row.years.values)
            guard Compare.differs(total, years) else { continue }
            let label = row == financing.total ? "financing total" : row.label
            found.append(Discrepancy(
                planID: plan.id, kind: .yearsVsTotal, location: label, column: "total",
                expected: Compare.text(total), found: Compare.text(years),
                message: "\(label): the year columns add up to \(Compare.text(years)) but the total is printed as \(Compare.text(total))"))
        }
        return found
    }
}
