import Foundation

/// One dated obligation a deadline creates: the day the work is due, and the year it belongs to.
public struct Obligation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The last day the obligation may be met on (the end of the printed day, month, quarter, half or year).
    public let due: Day
    /// The year of the obligation (for an annual deadline, the year of this occurrence).
    public let year: Int

    public init(due: Day, year: Int) {
        self.due = due
        self.year = year
    }

    public var description: String { "\(due)" }

    public static func < (lhs: Obligation, rhs: Obligation) -> Bool { lhs.due < rhs.due }
}

extension Due {
    /// The dated obligations of this deadline. An annual deadline gives one per year of its range (of `period`
    /// for a bare "ежегодно"); wording without a date gives none — except the word "ежегодно" itself, which is
    /// an annual deadline over `period`.
    public func obligations(period: YearRange) -> [Obligation] {
        switch self {
        case let .day(day):
            return [Obligation(due: day, year: day.year)]
        case let .month(year, month):
            return [Obligation(due: .endOfMonth(month, of: year), year: year)]
        case let .quarter(year, quarter):
            return [Obligation(due: .endOfQuarter(quarter, of: year), year: year)]
        case let .half(year, half):
            return [Obligation(due: .endOfHalf(half, of: year), year: year)]
        case let .year(year):
            return [Obligation(due: .endOfYear(year), year: year)]
        case let .annual(years, within):
            return (years ?? period).years.map { year in
                let due: Day = switch within {
                case let .month(month)?: .endOfMonth(month, of: year)
                case let .quarter(quarter)?: .endOfQuarter(quarter, of: year)
                case let .half(half)?: .endOfHalf(half, of: year)
                case nil: .endOfYear(year)
                }
                return Obligation(due: due, year: year)
            }
        case let .text(text):
            return Due.isAnnualWord(text) ? Due.annual(years: nil, within: nil).obligations(period: period) : []
        }
    }

    /// The wording when the deadline has no date ("постоянно"); `nil` for a dated one.
    public var undatedText: String? {
        if case let .text(text) = self, !Due.isAnnualWord(text) { text } else { nil }
    }

    /// "ежегодно" alone, in any case.
    static func isAnnualWord(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).lowercased() == "ежегодно"
    }
}

extension Deadline {
    /// Every dated obligation of the deadline, in due order.
    public func obligations(period: YearRange) -> [Obligation] {
        due.flatMap { $0.obligations(period: period) }.sorted()
    }

    /// The wordings the deadline gives without a date ("постоянно", "В период действия карантина").
    public var undated: [String] { due.compactMap(\.undatedText) }
}
