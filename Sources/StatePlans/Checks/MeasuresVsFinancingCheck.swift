import Foundation

/// The measures must add up to the document's summary table.
///
/// - A section row (the roadmap's «Итого по разделу …») against the section's top-level measures: per column,
///   in total and per source.
/// - Without section rows, the grand total («Итого») against all top-level measures, per year and in total.
/// - A level-0 source row (РБ, МБ, ВС) against the measures funded from that source. A row funded from several
///   sources («РБ, МБ») does not say how it splits, so the printed figure must lie between the rows funded only
///   from the source and those naming it at all.
///
/// A heading measure without amounts is counted through its sub-items. A cell printed once across several table
/// columns («2024-2025») is counted in each column it spans, as the documents' own totals count it. When the
/// measures are in another unit than the table (thousand against million tenge), only differences larger than the
/// table's printed precision are reported.
public struct MeasuresVsFinancingCheck: PlanCheck {
    public init() {}

    public func run(_ plan: Plan) -> [Discrepancy] {
        guard let financing = plan.financing else { return [] }
        let context = Context(plan: plan, financing: financing)
        let sectionRows = financing.rows.filter { $0.section != nil }
        if !sectionRows.isEmpty {
            return sectionRows.flatMap { row -> [Discrepancy] in
                let ids = plan.sectionIDs(within: row.section ?? "")
                return context.compare(row, label: row.label, with: plan.topLevelMeasures.filter { ids.contains($0.section) })
            }
        }
        var found: [Discrepancy] = []
        if let total = financing.total {
            found += context.compare(total, label: "financing total", with: plan.topLevelMeasures)
        }
        for row in financing.rows where row.level == 0 && row.source != nil {
            found += context.bounds(row)
        }
        return found
    }

    private struct Context {
        let plan: Plan
        let financing: Financing
        let tolerance: Decimal
        let measureUnit: MoneyUnit?
        let tableUnit: MoneyUnit?

        init(plan: Plan, financing: Financing) {
            self.plan = plan
            self.financing = financing
            measureUnit = plan.measureUnit
            tableUnit = financing.unit?.unit ?? plan.measureUnit
            tolerance = measureUnit != nil && tableUnit != nil && measureUnit != tableUnit ? financing.precision : 0
        }

        /// A measures' sum in the table's unit.
        func inTable(_ value: Decimal) -> Decimal {
            guard let measureUnit, let tableUnit else { return value }
            return measureUnit.convert(value, to: tableUnit)
        }

        func discrepancy(_ label: String, _ column: String, printed: Decimal?, found: String, message: String) -> Discrepancy {
            Discrepancy(planID: plan.id, kind: .measuresVsFinancing, location: label, column: column,
                        expected: printed.map(Compare.text) ?? "no amount", found: found, message: message)
        }

        func compare(_ row: Financing.Row, label: String, with measures: [Measure]) -> [Discrepancy] {
            let monies = measures.flatMap { plan.moneyRows(of: $0) }.map { plan.money(of: $0) }
            let tableColumns = Set(row.years.keys)
            var found: [Discrepancy] = []
            func check(_ column: String, _ printed: Decimal?, _ sum: Decimal) {
                let sum = inTable(sum)
                guard Compare.differs(printed ?? 0, sum, tolerance: tolerance) else { return }
                found.append(discrepancy(label, column, printed: printed, found: Compare.text(sum),
                    message: "\(label), \(column): the measures add up to \(Compare.text(sum)) but the table prints \(printed.map(Compare.text) ?? "no amount")"))
            }
            for column in row.years.keys.sorted() {
                let sum = Compare.sum(monies.flatMap { money in
                    money.columns.compactMap { cell, value in
                        // The cell's own column, or a wider cell that is not a table column and spans this one.
                        cell == column || (!tableColumns.contains(cell) && cell.contains(column)) ? value : nil
                    }
                })
                check(column.description, row.years[column], sum)
            }
            if let total = row.total {
                check("total", total, Compare.sum(monies.map { $0.total ?? Compare.sum($0.columns.values) }))
            }
            for source in row.sources.keys.sorted() {
                check(source, row.sources[source], Compare.sum(monies.compactMap { $0.sources[source] }))
            }
            return found
        }

        /// A source row against the bounds the measures' source cells allow.
        func bounds(_ row: Financing.Row) -> [Discrepancy] {
            guard let source = row.source else { return [] }
            var cells: [(column: YearRange?, sources: Set<String>, value: Decimal)] = []
            for measure in plan.topLevelMeasures.flatMap({ plan.moneyRows(of: $0) }) {
                for amount in measure.budget {
                    guard let sources = amount.source.map(Self.codes), let value = amount.value(in: measureUnit, default: measureUnit) else { continue }
                    if measure.isTotal(amount, period: plan.period) {
                        cells.append((nil, sources, value))
                    } else if let column = amount.column {
                        cells.append((column, sources, value))
                    }
                }
            }
            var found: [Discrepancy] = []
            let columns: [(YearRange?, Decimal?)] = row.years.keys.sorted().map { ($0, row.years[$0]) } + [(nil, row.total)]
            for (column, printed) in columns {
                let inColumn = cells.filter { $0.column == column }
                let only = inTable(Compare.sum(inColumn.filter { $0.sources == [source] }.map(\.value)))
                let any = inTable(Compare.sum(inColumn.filter { $0.sources.contains(source) }.map(\.value)))
                let value = printed ?? 0
                guard value < only - tolerance || value > any + tolerance else { continue }
                let name = column?.description ?? "total"
                found.append(discrepancy(row.label, name, printed: printed, found: "\(Compare.text(only))…\(Compare.text(any))",
                    message: "\(row.label), \(name): the table prints \(printed.map(Compare.text) ?? "no amount") but the measures give between \(Compare.text(only)) (funded only from \(source)) and \(Compare.text(any)) (naming \(source) among other sources)"))
            }
            return found
        }

        /// "РБ, ВС (ОСМС)" → ["РБ", "ВС"].
        static func codes(_ text: String) -> Set<String> {
            let withoutNotes = text.split(separator: "(").first.map(String.init) ?? text
            return Set(withoutNotes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
    }
}
