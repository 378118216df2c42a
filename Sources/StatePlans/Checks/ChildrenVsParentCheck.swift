import Foundation

/// Sub-items must add up to their parent, per column, per source and in total (a roadmap project and its
/// sub-projects, the cancer plan's item 3 and 3.1–3.3); a summary's «из них / в том числе» sub-rows must add up
/// to their row, and a row that announces sub-rows must have some.
public struct ChildrenVsParentCheck: PlanCheck {
    public init() {}

    public func run(_ plan: Plan) -> [Discrepancy] {
        var found: [Discrepancy] = []
        for parent in plan.measures {
            let children = plan.children(of: parent)
            // A sub-item that is itself a heading without amounts counts through its own sub-items.
            let childMoney = children.flatMap { plan.moneyRows(of: $0) }.map { plan.money(of: $0) }.filter { !$0.isEmpty }
            guard !childMoney.isEmpty else { continue }
            let money = plan.money(of: parent)
            // A heading row without amounts of its own is not a sum to check.
            guard !money.isEmpty else { continue }
            let location = plan.label(of: parent)
            let numbers = children.compactMap(\.number).joined(separator: ", ")
            func compare(_ column: String, _ printed: Decimal?, _ sum: Decimal) {
                guard Compare.differs(printed ?? 0, sum) else { return }
                found.append(Discrepancy(
                    planID: plan.id, kind: .childrenVsParent, location: location, column: column,
                    expected: printed.map(Compare.text) ?? "no amount", found: Compare.text(sum),
                    message: "\(location), \(column): the sub-items (\(numbers)) add up to \(Compare.text(sum)) but the row prints \(printed.map(Compare.text) ?? "no amount")"))
            }
            let columns = Set(money.columns.keys).union(childMoney.flatMap(\.columns.keys)).sorted()
            for column in columns {
                compare(column.description, money.columns[column], Compare.sum(childMoney.compactMap { $0.columns[column] }))
            }
            let sources = Set(money.sources.keys).union(childMoney.flatMap(\.sources.keys)).sorted()
            for source in sources {
                compare(source, money.sources[source], Compare.sum(childMoney.compactMap { $0.sources[source] }))
            }
            if money.total != nil || childMoney.contains(where: { $0.total != nil }) {
                compare("total", money.total, Compare.sum(childMoney.map { $0.total ?? Compare.sum($0.columns.values) }))
            }
        }
        if let financing = plan.financing { found += subRows(plan, financing) }
        return found
    }

    /// Level-1 rows against the level-0 row they follow.
    private func subRows(_ plan: Plan, _ financing: Financing) -> [Discrepancy] {
        guard financing.rows.contains(where: { $0.level > 0 }) else { return [] }
        var found: [Discrepancy] = []
        for (index, row) in financing.rows.enumerated() where row.level == 0 {
            let subRows = financing.rows[(index + 1)...].prefix { $0.level > 0 }
            guard !subRows.isEmpty else {
                if Self.announcesBreakdown(row.ru) {
                    found.append(Discrepancy(
                        planID: plan.id, kind: .childrenVsParent, location: row.label, column: nil,
                        expected: "sub-rows", found: "none",
                        message: "\(row.label) is printed as '\(row.ru ?? "")' but no sub-rows follow it"))
                }
                continue
            }
            let names = subRows.map { $0.ru ?? $0.source ?? "?" }.joined(separator: " + ")
            let columns = Set(row.years.keys).union(subRows.flatMap(\.years.keys)).sorted()
            var pairs = columns.map { column in (column.description, row.years[column], Compare.sum(subRows.compactMap { $0.years[column] })) }
            pairs.append(("total", row.total, Compare.sum(subRows.compactMap(\.total))))
            for (column, printed, sum) in pairs where Compare.differs(printed ?? 0, sum) {
                found.append(Discrepancy(
                    planID: plan.id, kind: .childrenVsParent, location: row.label, column: column,
                    expected: printed.map(Compare.text) ?? "no amount", found: Compare.text(sum),
                    message: "\(row.label), \(column): \(names) = \(Compare.text(sum)) but the row prints \(printed.map(Compare.text) ?? "no amount")"))
            }
        }
        return found
    }

    /// «…, из них:», «…, в том числе:».
    static func announcesBreakdown(_ label: String?) -> Bool {
        guard let label = label?.lowercased() else { return false }
        return label.contains("из них") || label.contains("в том числе")
    }
}
