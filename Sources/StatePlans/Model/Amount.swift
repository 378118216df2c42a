import Foundation

/// One amount of money as printed in a measure's row or in a note inside it.
///
/// The same shape carries three kinds of cell, told apart by which keys are set:
/// a year or period column (`year` or `period`), a source column (`source` without year and period), and the
/// row's total (a period spanning the whole plan, or no year, period and source at all).
public struct Amount: Sendable, Equatable, Decodable {
    public var year: Int?
    /// A column spanning years ("2026-2030"), or the total column ("2023-2027").
    public var period: YearRange?
    /// The funding source as printed: "РБ", "МБ", "ЧИ", "ФСМС", "другие", or a mix ("РБ, МБ").
    public var source: String?
    /// `nil` for wording without an amount ("Не требуется").
    public var value: Decimal?
    /// Set only when it differs from the plan's currency.
    public var unit: MoneyUnit?
    /// The printed wording when the cell holds text, not an amount.
    public var text: String?
    /// In a budget note of the cancer plan: `"within"` (existing allocations) or `"additional"` (extra need).
    public var part: String?

    public init(year: Int? = nil, period: YearRange? = nil, source: String? = nil, value: Decimal?,
                unit: MoneyUnit? = nil, text: String? = nil, part: String? = nil) {
        self.year = year
        self.period = period
        self.source = source
        self.value = value
        self.unit = unit
        self.text = text
        self.part = part
    }

    /// The column this amount stands in, when it is a year or period column: `2023` or `2026-2030`.
    public var column: YearRange? {
        if let year { YearRange(year) } else { period }
    }

    /// The value converted to `target`, taking the amount's own unit (or else `defaultUnit`) as its unit.
    /// Without any unit the value is returned as printed.
    public func value(in target: MoneyUnit?, default defaultUnit: MoneyUnit?) -> Decimal? {
        guard let value else { return nil }
        guard let target, let unit = unit ?? defaultUnit else { return value }
        return unit.convert(value, to: target)
    }
}

/// A note inside a measure's row that states amounts of its own ("в пределах предусмотренных средств … 2023 год
/// – 413838").
public struct BudgetNote: Sendable, Equatable, Decodable {
    public var ru: String
    public var amounts: [Amount]

    public init(ru: String, amounts: [Amount]) {
        self.ru = ru
        self.amounts = amounts
    }
}
