/// A calendar day, the unit of every due date (`2024-12-31`). Plain Gregorian arithmetic: no time zone, no time.
public struct Day: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// `nil` for a day that does not exist (30 February).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), (1...Day.length(ofMonth: month, in: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// From `YYYY-MM-DD`; `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// For days computed from valid parts (the callers clamp the month).
    private init(unchecked year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    public static func length(ofMonth month: Int, in year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The last day of a month (1-12).
    public static func endOfMonth(_ month: Int, of year: Int) -> Day {
        let month = min(max(month, 1), 12)
        return Day(unchecked: year, month: month, day: length(ofMonth: month, in: year))
    }

    /// The first day of a month (1-12).
    public static func startOfMonth(_ month: Int, of year: Int) -> Day {
        Day(unchecked: year, month: min(max(month, 1), 12), day: 1)
    }

    public static func endOfQuarter(_ quarter: Int, of year: Int) -> Day { endOfMonth(quarter * 3, of: year) }
    public static func endOfHalf(_ half: Int, of year: Int) -> Day { endOfMonth(half * 6, of: year) }
    public static func endOfYear(_ year: Int) -> Day { endOfMonth(12, of: year) }

    /// `2024-12-31`.
    public var description: String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    public static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

/// Consecutive days, both ends included: the period a report covers.
public struct DayRange: Sendable, Hashable, CustomStringConvertible {
    public let first: Day
    public let last: Day

    public init(first: Day, last: Day) {
        self.first = first
        self.last = last
    }

    public var description: String { "\(first)…\(last)" }
}
