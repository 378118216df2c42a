import Foundation

/// A target indicator (also an expected result, which some documents print in the same shape).
public struct Indicator: Sendable, Equatable, Decodable {
    /// Which way the value should move for the plan to be an achievement.
    public enum Direction: String, Sendable, Equatable, Decodable {
        case higher, lower
    }

    /// A baseline: the fact of one year.
    public struct Baseline: Sendable, Equatable, Decodable {
        public var year: Int
        public var value: Decimal

        public init(year: Int, value: Decimal) {
            self.year = year
            self.value = value
        }
    }

    /// A planned value: a number, or text the document prints instead ("не менее 20", "106,6*", "-") with the
    /// number it states, if any.
    public enum Value: Sendable, Equatable, Decodable {
        case number(Decimal)
        case text(String, value: Decimal?)

        private enum CodingKeys: String, CodingKey { case text, value }

        public init(from decoder: any Decoder) throws {
            if let number = try? decoder.singleValueContainer().decode(Decimal.self) {
                self = .number(number)
                return
            }
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self = .text(try c.decode(String.self, forKey: .text), value: try c.decodeIfPresent(Decimal.self, forKey: .value))
        }

        /// The number, printed or stated in the text.
        public var number: Decimal? {
            switch self {
            case let .number(value): value
            case let .text(_, value): value
            }
        }
    }

    public var number: String
    public var section: String?
    public var ru: String
    public var en: String?
    public var unit: Wording?
    public var better: Direction?
    public var baseline: Baseline?
    /// Year → planned value; a year the document leaves blank is absent.
    public var plan: [Int: Value]
    public var source: Wording?
    public var responsible: [Body]
    public var extra: [String: PlanValue]

    public init(number: String, section: String? = nil, ru: String, en: String? = nil, unit: Wording? = nil,
                better: Direction? = nil, baseline: Baseline? = nil, plan: [Int: Value] = [:], source: Wording? = nil,
                responsible: [Body] = [], extra: [String: PlanValue] = [:]) {
        self.number = number
        self.section = section
        self.ru = ru
        self.en = en
        self.unit = unit
        self.better = better
        self.baseline = baseline
        self.plan = plan
        self.source = source
        self.responsible = responsible
        self.extra = extra
    }

    private enum CodingKeys: String, CodingKey {
        case number, section, ru, en, unit, better, baseline, plan, source, responsible, extra
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decode(String.self, forKey: .number)
        section = try c.decodeIfPresent(String.self, forKey: .section)
        ru = try c.decode(String.self, forKey: .ru)
        en = try c.decodeIfPresent(String.self, forKey: .en)
        unit = try c.decodeIfPresent(Wording.self, forKey: .unit)
        better = try c.decodeIfPresent(Direction.self, forKey: .better)
        baseline = try c.decodeIfPresent(Baseline.self, forKey: .baseline)
        plan = try decodeYearKeyed(c, .plan)
        source = try c.decodeIfPresent(Wording.self, forKey: .source)
        responsible = try c.decodeIfPresent([Body].self, forKey: .responsible) ?? []
        extra = try c.decodeIfPresent([String: PlanValue].self, forKey: .extra) ?? [:]
    }

    /// The planned numbers in year order, preceded by the baseline when it is earlier than the first plan year.
    public var series: [(year: Int, value: Decimal)] {
        var points = plan.keys.sorted().compactMap { year in plan[year]?.number.map { (year: year, value: $0) } }
        if let baseline, baseline.year < (points.first?.year ?? .max) {
            points.insert((year: baseline.year, value: baseline.value), at: 0)
        }
        return points
    }
}

/// A `{"2023": …}` object as a year-keyed dictionary; a key that is not a year is a decoding error at that key.
func decodeYearKeyed<Key: CodingKey, Value: Decodable>(
    _ container: KeyedDecodingContainer<Key>, _ key: Key
) throws -> [Int: Value] {
    guard let raw = try container.decodeIfPresent([String: Value].self, forKey: key) else { return [:] }
    var result: [Int: Value] = [:]
    for (text, value) in raw {
        guard let year = Int(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "'\(text)' is not a year")
        }
        result[year] = value
    }
    return result
}
