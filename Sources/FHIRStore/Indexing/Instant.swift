import Foundation

/// A UTC instant in milliseconds, formatted the way `meta.lastUpdated` is stored: fixed width, so text order is time order.
public struct Instant: Sendable, Comparable, Hashable {
    public var millis: Int64

    public init(millis: Int64) { self.millis = millis }

    public static func now() -> Instant {
        Instant(millis: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }

    public init(_ date: Date) { millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The calendar date (`YYYY-MM-DD`) in Kazakhstan at this instant: UTC+5, one time zone for the whole
    /// country since March 2024 — the day a clinic, a schedule or a case report means.
    public var dateInKazakhstan: String { String(Instant(millis: millis + 5 * 3_600_000).iso.prefix(10)) }

    /// `YYYY-MM-DDThh:mm:ss.sssZ`
    public var iso: String {
        let days = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
        let msOfDay = millis - days * 86_400_000
        let (y, m, d) = CivilDate.fromDays(days)
        let h = msOfDay / 3_600_000, mi = (msOfDay / 60_000) % 60, s = (msOfDay / 1000) % 60, ms = msOfDay % 1000
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(h, 2) + ":" + pad(mi, 2) + ":" + pad(s, 2) + "." + pad(ms, 3) + "Z"
    }

    public static func < (a: Instant, b: Instant) -> Bool { a.millis < b.millis }

    private func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// Proleptic Gregorian calendar arithmetic (H. Hinnant's algorithms), without Foundation's Calendar on the hot path.
public enum CivilDate {
    /// Days since 1970-01-01 of a Gregorian date.
    public static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The Gregorian (year, month, day) of a day count from 1970-01-01.
    public static func fromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
