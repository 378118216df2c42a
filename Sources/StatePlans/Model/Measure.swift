import Foundation

/// A measure of an action plan; also a roadmap's project and a digital map's business-process group.
public struct Measure: Sendable, Equatable, Decodable {
    /// The printed number ("11", "3.1", "1.8.2"); `nil` for a row the document leaves unnumbered.
    public var number: String?
    /// The id of the section the measure is printed under.
    public var section: String
    /// The number of the measure this one is a sub-item of.
    public var parent: String?
    public var ru: String
    public var en: String?
    public var completionForm: Wording?
    public var deadline: Deadline?
    public var responsible: [Body]
    /// The amounts of the row, per year or period and per source, as printed.
    public var budget: [Amount]
    /// Amounts stated in notes inside the row.
    public var budgetNotes: [BudgetNote]
    /// Fields only this document has (goals, key results, timelines, the verbatim source cell…).
    public var extra: [String: PlanValue]

    public init(number: String?, section: String, parent: String? = nil, ru: String, en: String? = nil,
                completionForm: Wording? = nil, deadline: Deadline? = nil, responsible: [Body] = [],
                budget: [Amount] = [], budgetNotes: [BudgetNote] = [], extra: [String: PlanValue] = [:]) {
        self.number = number
        self.section = section
        self.parent = parent
        self.ru = ru
        self.en = en
        self.completionForm = completionForm
        self.deadline = deadline
        self.responsible = responsible
        self.budget = budget
        self.budgetNotes = budgetNotes
        self.extra = extra
    }

    private enum CodingKeys: String, CodingKey {
        case number, section, parent, ru, en, completionForm, deadline, responsible, budget, budgetNotes, extra
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decodeIfPresent(String.self, forKey: .number)
        section = try c.decode(String.self, forKey: .section)
        parent = try c.decodeIfPresent(String.self, forKey: .parent)
        ru = try c.decode(String.self, forKey: .ru)
        en = try c.decodeIfPresent(String.self, forKey: .en)
        completionForm = try c.decodeIfPresent(Wording.self, forKey: .completionForm)
        deadline = try c.decodeIfPresent(Deadline.self, forKey: .deadline)
        responsible = try c.decodeIfPresent([Body].self, forKey: .responsible) ?? []
        budget = try c.decodeIfPresent([Amount].self, forKey: .budget) ?? []
        budgetNotes = try c.decodeIfPresent([BudgetNote].self, forKey: .budgetNotes) ?? []
        extra = try c.decodeIfPresent([String: PlanValue].self, forKey: .extra) ?? [:]
    }

    // MARK: - The row's money, by kind of cell

    /// Whether `amount` is the row's total: a period spanning the whole plan period (the cancer plan's
    /// "Всего на 2023-2027 годы"), or an amount with no year, period and source (the pandemic plan's 8.1).
    func isTotal(_ amount: Amount, period: YearRange) -> Bool {
        if let range = amount.period, amount.year == nil { return range.contains(period) }
        return amount.year == nil && amount.period == nil && amount.source == nil
    }

    /// The amounts in year or period columns (not the total column), with a value.
    public func columnAmounts(period: YearRange) -> [Amount] {
        budget.filter { $0.value != nil && $0.column != nil && !isTotal($0, period: period) }
    }

    /// The amounts in source columns (no year or period), with a value. The roadmap prints these.
    public func sourceAmounts() -> [Amount] {
        budget.filter { $0.value != nil && $0.year == nil && $0.period == nil && $0.source != nil }
    }

    /// The row's printed total, in the plan's currency: its total column, else the roadmap's `extra.total`
    /// when it is a number.
    public func printedTotal(period: YearRange, currency: MoneyUnit?) -> Decimal? {
        if let amount = budget.first(where: { $0.value != nil && isTotal($0, period: period) }) {
            return amount.value(in: currency, default: currency)
        }
        return extra["total"]?.number
    }
}
