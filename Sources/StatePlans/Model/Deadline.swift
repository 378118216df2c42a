import Foundation

/// A measure's deadline: the printed wording and the dates it names.
public struct Deadline: Sendable, Equatable, Decodable {
    /// The deadline as printed ("4-квартал 2023 – 2027 годов").
    public var ru: String
    /// One entry per deadline the wording lists.
    public var due: [Due]

    public init(ru: String, due: [Due]) {
        self.ru = ru
        self.due = due
    }
}

/// One deadline of a measure, in the form the document states it.
public enum Due: Sendable, Equatable, Decodable {
    /// A day (`{"date": "2023-12-31"}`).
    case day(Day)
    /// A month (`{"year": 2023, "month": 4}`).
    case month(year: Int, month: Int)
    /// A quarter (`{"year": 2024, "quarter": 4}`).
    case quarter(year: Int, quarter: Int)
    /// A half-year (`{"year": 2024, "half": 2}`).
    case half(year: Int, half: Int)
    /// A year (`{"year": 2023}`).
    case year(Int)
    /// Every year of `years` (the plan's period when `nil`, as for a bare "ежегодно"), by the end of `within` if given.
    case annual(years: YearRange?, within: AnnualPart?)
    /// Wording without a date ("постоянно", "В период действия карантина").
    case text(String)

    /// The part of the year an annual obligation falls due at the end of.
    public enum AnnualPart: Sendable, Equatable {
        case month(Int)
        case quarter(Int)
        case half(Int)
    }

    private enum CodingKeys: String, CodingKey { case date, year, month, quarter, half, annual, text }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func bad(_ message: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: message))
        }
        let month = try c.decodeIfPresent(Int.self, forKey: .month)
        let quarter = try c.decodeIfPresent(Int.self, forKey: .quarter)
        let half = try c.decodeIfPresent(Int.self, forKey: .half)
        if let month, !(1...12).contains(month) { throw bad("month \(month) is not 1-12") }
        if let quarter, !(1...4).contains(quarter) { throw bad("quarter \(quarter) is not 1-4") }
        if let half, !(1...2).contains(half) { throw bad("half \(half) is not 1 or 2") }

        if let text = try c.decodeIfPresent(String.self, forKey: .date) {
            guard let day = Day(text) else { throw bad("'\(text)' is not a date YYYY-MM-DD") }
            self = .day(day)
        } else if c.contains(.annual) {
            // `{"annual": {"from", "to"}}`; `{"annual": {}}`, `true` or `null` mean the plan's period.
            var years: YearRange?
            if (try? c.decodeNil(forKey: .annual)) != true, (try? c.decode(Bool.self, forKey: .annual)) == nil,
               let range = try? c.decode(AnnualRange.self, forKey: .annual) {
                years = try range.years(codingPath: decoder.codingPath)
            }
            let within: AnnualPart? = if let month { .month(month) } else if let quarter { .quarter(quarter) }
                else if let half { .half(half) } else { nil }
            self = .annual(years: years, within: within)
        } else if let year = try c.decodeIfPresent(Int.self, forKey: .year) {
            if let month { self = .month(year: year, month: month) }
            else if let quarter { self = .quarter(year: year, quarter: quarter) }
            else if let half { self = .half(year: year, half: half) }
            else { self = .year(year) }
        } else if let text = try c.decodeIfPresent(String.self, forKey: .text) {
            self = .text(text)
        } else {
            throw bad("a deadline needs one of date, year, annual or text")
        }
    }

    /// `{"from", "to"}`, both optional so that an empty object reads as "the plan's period".
    private struct AnnualRange: Decodable {
        var from: Int?
        var to: Int?

        func years(codingPath: [any CodingKey]) throws -> YearRange? {
            switch (from, to) {
            case (nil, nil): return nil
            case let (from?, to?) where from <= to: return YearRange(from: from, to: to)
            default:
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "annual needs both from and to, in order"))
            }
        }
    }
}
