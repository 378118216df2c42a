import FHIRStore
import Foundation

/// Days and ISO 8601 weeks of case dates (`YYYY-MM-DD`), the periods of the counts and of outbreak detection.
public enum CaseCalendar {
    /// Days since 1970-01-01; nil for a malformed or impossible date.
    public static func dayNumber(_ date: String) -> Int? {
        let parts = date.prefix(10).split(separator: "-")
        guard parts.count == 3, let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]), (1...12).contains(m),
              d >= 1, d <= CivilDate.daysInMonth(year: y, month: m) else { return nil }
        return Int(CivilDate.days(year: y, month: m, day: d))
    }

    /// The date of a day number.
    public static func date(_ days: Int) -> String {
        let (y, m, d) = CivilDate.fromDays(Int64(days))
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// ISO week of a date: (week-based year, week 1…53).
    public static func isoWeek(_ date: String) -> (year: Int, week: Int)? {
        guard let n = dayNumber(date) else { return nil }
        let weekday = ((n + 3) % 7 + 7) % 7              // Monday 0 … Sunday 6; 1970-01-01 was a Thursday
        let thursday = n - weekday + 3
        guard let year = Int(Self.date(thursday).prefix(4)), let jan1 = dayNumber(String(format: "%04d-01-01", year)) else { return nil }
        return (year, (thursday - jan1) / 7 + 1)
    }

    /// `2026-W05`.
    public static func isoWeekLabel(_ date: String) -> String? {
        isoWeek(date).map { String(format: "%04d-W%02d", $0.year, $0.week) }
    }

    /// The Monday of ISO week `week` of `year`.
    public static func monday(year: Int, week: Int) -> String? {
        guard let jan4 = dayNumber(String(format: "%04d-01-04", year)) else { return nil }
        let weekday = ((jan4 + 3) % 7 + 7) % 7
        return date(jan4 - weekday + (week - 1) * 7)
    }
}
