import StatePlans

/// A reporting period as stored with progress: the ISO 8601 interval of the days it covers
/// (`2025-01-01/2025-06-30`), so half-years and years of different plans never collide.
public struct ReportingPeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let first: Day
    public let last: Day

    public init(_ range: DayRange) { first = range.first; last = range.last }

    /// Parses `YYYY-MM-DD/YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let a = Day(String(parts[0])), let b = Day(String(parts[1])), a <= b else { return nil }
        first = a
        last = b
    }

    public var description: String { "\(first)/\(last)" }

    public static func < (a: ReportingPeriod, b: ReportingPeriod) -> Bool { (a.first, a.last) < (b.first, b.last) }
}
