/// A clause of the approving act that tells someone to report on the plan, and when.
public struct ReportingClause: Sendable, Equatable, Decodable {
    /// A day of the year, without the year ("не позднее 15 апреля").
    public struct MonthDay: Sendable, Equatable, Decodable {
        public var month: Int
        public var day: Int

        public init(month: Int, day: Int) {
            self.month = month
            self.day = day
        }
    }

    /// The period one report covers.
    public enum Coverage: String, Sendable, Equatable, Decodable {
        case year
        case halfYear = "half-year"
        case quarter
        case month

        /// Months in one reporting period.
        public var months: Int {
            switch self {
            case .year: 12
            case .halfYear: 6
            case .quarter: 3
            case .month: 1
            }
        }
    }

    /// Who reports: `"executors"` or `"ministry"`.
    public var who: String
    /// The clause as printed.
    public var ru: String
    /// The due days of each year.
    public var due: [MonthDay]
    public var covers: Coverage
    public var extra: [String: PlanValue]

    public init(who: String, ru: String, due: [MonthDay], covers: Coverage, extra: [String: PlanValue] = [:]) {
        self.who = who
        self.ru = ru
        self.due = due
        self.covers = covers
        self.extra = extra
    }

    private enum CodingKeys: String, CodingKey { case who, ru, due, covers, extra }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        who = try c.decode(String.self, forKey: .who)
        ru = try c.decode(String.self, forKey: .ru)
        due = try c.decode([MonthDay].self, forKey: .due)
        covers = try c.decode(Coverage.self, forKey: .covers)
        extra = try c.decodeIfPresent([String: PlanValue].self, forKey: .extra) ?? [:]
        for (index, day) in due.enumerated() where Day(year: 2000, month: day.month, day: day.day) == nil {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.due, IndexKey(index)],
                                                    debugDescription: "\(day.day).\(day.month) is not a day of the year"))
        }
    }
}

/// An array position in a coding path.
struct IndexKey: CodingKey {
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
    let index: Int

    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { index = intValue }
}
