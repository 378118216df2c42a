import Foundation

/// Amounts stated in a note inside a row must agree with the row's cells.
///
/// A note that dates its amounts (the cancer plan's «2023 год – 413838») must give, per year, what the row prints
/// for that year — its parts («в пределах» + «дополнительная потребность») added. An undated amount (the
/// roadmap's «бюджет - 39,5 млн. тенге») must match one of the row's figures to within the coarser of the two
/// printed precisions. Notes about periods the row has no column for (a repayment until 2035) are not compared.
public struct BudgetNotesCheck: PlanCheck {
    public init() {}

    public func run(_ plan: Plan) -> [Discrepancy] {
        var found: [Discrepancy] = []
        let unit = plan.measureUnit
        for measure in plan.measures where !measure.budgetNotes.isEmpty {
            let money = plan.money(of: measure)
            let location = plan.label(of: measure)
            for note in measure.budgetNotes {
                var dated: [YearRange: Decimal] = [:]
                for amount in note.amounts {
                    guard let value = amount.value(in: unit, default: unit) else { continue }
                    if let column = amount.column {
                        dated[column, default: 0] += value
                    } else if let mismatch = undated(amount, value: value, money: money, unit: unit) {
                        found.append(Discrepancy(
                            planID: plan.id, kind: .budgetNotes, location: location, column: nil,
                            expected: mismatch, found: Compare.text(value),
                            message: "\(location): the note «\(note.ru)» states \(Compare.text(amount.value ?? value))\(amount.unit.map { " \($0.rawValue)" } ?? ""), which matches none of the row's amounts (\(mismatch))"))
                    }
                }
                for (column, sum) in dated.sorted(by: { $0.key < $1.key }) {
                    guard let printed = money.columns[column] else {
                        // A period the row has no column for (a repayment after the plan) is not a row figure.
                        if plan.period.contains(column), sum != 0 {
                            found.append(Discrepancy(
                                planID: plan.id, kind: .budgetNotes, location: location, column: column.description,
                                expected: "no amount", found: Compare.text(sum),
                                message: "\(location), \(column): the note gives \(Compare.text(sum)) but the row prints no amount for \(column)"))
                        }
                        continue
                    }
                    guard Compare.differs(printed, sum) else { continue }
                    found.append(Discrepancy(
                        planID: plan.id, kind: .budgetNotes, location: location, column: column.description,
                        expected: Compare.text(printed), found: Compare.text(sum),
                        message: "\(location), \(column): the row prints \(Compare.text(printed)) but its funding note gives \(Compare.text(sum)) (difference \(Compare.difference(printed, sum)))"))
                }
            }
        }
        return found
    }

    /// `nil` when the undated note amount matches a figure of the row; else the row's figures, listed.
    private func undated(_ amount: Amount, value: Decimal, money: RowMoney, unit: MoneyUnit?) -> String? {
        let figures = Array(money.columns.values) + Array(money.sources.values) + [money.total].compactMap { $0 }
        guard !figures.isEmpty else { return nil }
        // The note's last printed digit, in the plan's unit (0.1 billion = 100 million), against the row's.
        let noteDigits = max(0, -Int(amount.value?.exponent ?? 0))
        let noteStep = Decimal(sign: .plus, exponent: -noteDigits, significand: 1)
        let noteStepInPlanUnit = Amount(value: noteStep, unit: amount.unit).value(in: unit, default: unit) ?? noteStep
        let rowDigits = figures.map { max(0, -Int($0.exponent)) }.max() ?? 0
        let tolerance = max(noteStepInPlanUnit, Decimal(sign: .plus, exponent: -rowDigits, significand: 1))
        if figures.contains(where: { !Compare.differs($0, value, tolerance: tolerance) }) { return nil }
        return figures.sorted().map(Compare.text).joined(separator: ", ")
    }
}
