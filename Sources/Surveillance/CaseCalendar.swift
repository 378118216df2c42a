/// Days and ISO 8601 weeks of case dates (`YYYY-MM-DD`), the periods of the counts and of outbreak detection.
public enum CaseCalendar {
    /// Days since 1970-01-01 (Howard Hinnant's days-from-civil); nil for a malformed date.
    public static func dayNumber(_ date: String) -> Int? {
        let parts = date.prefix(10).split(separator: "-")
        guard parts.count == 3, let y0 = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), (1...31).contains(d) else { return nil }
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date of a day number.
    public static func date(_ days: Int) -> String {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
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
