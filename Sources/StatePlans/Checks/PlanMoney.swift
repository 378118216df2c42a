import Foundation

/// The money of a measure's row, added up the way the checks compare it: in the plan's currency, per column
/// ("2023", "2026-2030"), per source and in total.
struct RowMoney {
    var columns: [YearRange: Decimal] = [:]
    var sources: [String: Decimal] = [:]
    var total: Decimal?

    var isEmpty: Bool { columns.isEmpty && sources.isEmpty && total == nil }
}

extension Plan {
    /// A measure's printed amounts, converted to the plan's currency where a cell states another unit.
    func money(of measure: Measure) -> RowMoney {
        let unit = measureUnit
        var money = RowMoney()
        for amount in measure.columnAmounts(period: period) {
            guard let column = amount.column, let value = amount.value(in: unit, default: unit) else { continue }
            money.columns[column, default: 0] += value
        }
        for amount in measure.sourceAmounts() {
            guard let source = amount.source, let value = amount.value(in: unit, default: unit) else { continue }
            money.sources[source, default: 0] += value
        }
        money.total = measure.printedTotal(period: period, currency: unit)
        return money
    }

    /// The measures whose rows carry the money of `measure`: itself if its row prints amounts, else its
    /// sub-items (recursively) — a heading row without amounts is summed through its children.
    func moneyRows(of measure: Measure) -> [Measure] {
        if !money(of: measure).isEmpty { return [measure] }
        return children(of: measure).flatMap { moneyRows(of: $0) }
    }
}

/// The comparison every arithmetic check makes.
enum Compare {
    /// Whether `found` differs from `expected` by more than `tolerance`.
    static func differs(_ expected: Decimal, _ found: Decimal, tolerance: Decimal = 0) -> Bool {
        let difference = found - expected
        return (difference < 0 ? -difference : difference) > tolerance
    }

    /// A number as the checks print it: plain digits, a decimal point, no grouping ("460670.4").
    static func text(_ value: Decimal) -> String { "\(value)" }

    /// "2" / "-18000": the signed difference `found - expected`.
    static func difference(_ expected: Decimal, _ found: Decimal) -> String {
        let difference = found - expected
        return difference > 0 ? "+\(difference)" : "\(difference)"
    }

    static func sum(_ values: some Sequence<Decimal>) -> Decimal { values.reduce(0, +) }
}
