import Foundation

/// The document's own summary of the money: a table of rows and a total, as printed.
public struct Financing: Sendable, Equatable, Decodable {
    /// One printed row of the summary.
    public struct Row: Sendable, Equatable, Decodable {
        public var ru: String?
        public var en: String?
        /// The funding source the row sums ("РБ", "ВС (ОСМС)"), if it is a source row.
        public var source: String?
        /// The section the row totals (the roadmap's "Итого по разделу …").
        public var section: String?
        /// 0 for a row, 1 for its "из них / в том числе" sub-row.
        public var level: Int
        public var total: Decimal?
        /// Column → amount ("2023", "2026-2030"); a dash cell is absent.
        public var years: [YearRange: Decimal]
        /// Source → amount, where the row splits its total by source.
        public var sources: [String: Decimal]

        public init(ru: String?, en: String? = nil, source: String? = nil, section: String? = nil, level: Int = 0,
                    total: Decimal?, years: [YearRange: Decimal] = [:], sources: [String: Decimal] = [:]) {
            self.ru = ru
            self.en = en
            self.source = source
            self.section = section
            self.level = level
            self.total = total
            self.years = years
            self.sources = sources
        }

        private enum CodingKeys: String, CodingKey { case ru, en, source, section, level, total, years, sources }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ru = try c.decodeIfPresent(String.self, forKey: .ru)
            en = try c.decodeIfPresent(String.self, forKey: .en)
            source = try c.decodeIfPresent(String.self, forKey: .source)
            section = try c.decodeIfPresent(String.self, forKey: .section)
            level = try c.decodeIfPresent(Int.self, forKey: .level) ?? 0
            total = try c.decodeIfPresent(Decimal.self, forKey: .total)
            var years: [YearRange: Decimal] = [:]
            for (key, value) in try c.decodeIfPresent([String: Decimal].self, forKey: .years) ?? [:] {
                guard let column = YearRange(key) else {
                    throw DecodingError.dataCorruptedError(forKey: .years, in: c, debugDescription: "'\(key)' is not a year or a range of years")
                }
                years[column] = value
            }
            self.years = years
            sources = try c.decodeIfPresent([String: Decimal].self, forKey: .sources) ?? [:]
        }

        /// How a discrepancy names the row: its section, its source, or its printed label.
        public var label: String {
            if let section { return "financing row '\(section)'" }
            if level == 0, let source { return "financing row '\(source)'" }
            return "financing row '\(ru ?? en ?? "?")'"
        }

        /// Every amount printed in the row, for the table's precision.
        var printedAmounts: [Decimal] { [total].compactMap { $0 } + Array(years.values) + Array(sources.values) }
    }

    public var ru: String?
    public var en: String?
    /// The table's unit when it differs from the plan's currency (the cancer plan: rows in thousand, summary in million).
    public var unit: Currency?
    public var rows: [Row]
    /// The grand total row ("Итого", "ВСЕГО ПО БЛОКУ …").
    public var total: Row?
    public var extra: [String: PlanValue]

    public init(ru: String?, en: String? = nil, unit: Currency? = nil, rows: [Row], total: Row?, extra: [String: PlanValue] = [:]) {
        self.ru = ru
        self.en = en
        self.unit = unit
        self.rows = rows
        self.total = total
        self.extra = extra
    }

    private enum CodingKeys: String, CodingKey { case ru, en, unit, rows, total, extra }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ru = try c.decodeIfPresent(String.self, forKey: .ru)
        en = try c.decodeIfPresent(String.self, forKey: .en)
        unit = try c.decodeIfPresent(Currency.self, forKey: .unit)
        rows = try c.decodeIfPresent([Row].self, forKey: .rows) ?? []
        total = try c.decodeIfPresent(Row.self, forKey: .total)
        extra = try c.decodeIfPresent([String: PlanValue].self, forKey: .extra) ?? [:]
    }

    /// The smallest step the table prints (0.1 for "460 670,4"; 1 for whole numbers): sums of its figures that
    /// are converted from another unit are compared to within this step.
    public var precision: Decimal {
        let amounts = rows.flatMap(\.printedAmounts) + (total?.printedAmounts ?? [])
        let decimals = amounts.map { max(0, -Int($0.exponent)) }.max() ?? 0
        return decimals == 0 ? 1 : Decimal(sign: .plus, exponent: -decimals, significand: 1)
    }
}
