/// The time span a FHIR date, dateTime or instant stands for, in epoch milliseconds: `[lo, hi)`.
/// `2024` covers the whole year, `2024-03` the month, `2024-03-05T10:00` the minute.
/// Dates without a time zone are read as UTC.
public struct DateRange: Sendable, Equatable {
    public var lo: Int64
    public var hi: Int64

    public init(lo: Int64, hi: Int64) { self.lo = lo; self.hi = hi }

    public static let minimum: Int64 = -62_135_596_800_000   // 0001-01-01
    public static let maximum: Int64 = 253_402_300_800_000   // 10000-01-01

    /// Parses a FHIR date/dateTime/instant; nil when it is not one.
    public static func parse(_ text: String) -> DateRange? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = digits(4) else { return nil }
        if i == b.count {
            let lo = CivilDate.days(year: year, month: 1, day: 1) * 86_400_000
            return DateRange(lo: lo, hi: CivilDate.days(year: year + 1, month: 1, day: 1) * 86_400_000)
        }
        guard expect(45), let month = digits(2), (1...12).contains(month) else { return nil }
        if i == b.count {
            let lo = CivilDate.days(year: year, month: month, day: 1) * 86_400_000
            let next = month == 12 ? CivilDate.days(year: year + 1, month: 1, day: 1) : CivilDate.days(year: year, month: month + 1, day: 1)
            return DateRange(lo: lo, hi: next * 86_400_000)
        }
        guard expect(45), let day = digits(2), day >= 1, day <= CivilDate.daysInMonth(year: year, month: month) else { return nil }
        let dayStart = CivilDate.days(year: year, month: month, day: day) * 86_400_000
        if i == b.count { return DateRange(lo: dayStart, hi: dayStart + 86_400_000) }
        guard expect(84), let hour = digits(2), hour < 24, expect(58), let minute = digits(2), minute < 60 else { return nil }
        var width: Int64 = 60_000
        var ms = hour * 3_600_000 + minute * 60_000
        if i < b.count, b[i] == 58 {
            i += 1
            guard let second = digits(2), second < 60 else { return nil }
            ms += second * 1000
            width = 1000
            if i < b.count, b[i] == 46 {
                i += 1
                var frac: Int64 = 0, n = 0
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    if n < 3 { frac = frac * 10 + Int64(b[i] - 48) }
                    n += 1
                    i += 1
                }
                guard n > 0 else { return nil }
                for _ in n..<3 where n < 3 { frac *= 10 }
                ms += frac
                width = 1
            }
        }
        var offset: Int64 = 0
        if i < b.count {
            if b[i] == 90 {
                i += 1
            } else if b[i] == 43 || b[i] == 45 {
                let sign: Int64 = b[i] == 45 ? -1 : 1
                i += 1
                guard let oh = digits(2), expect(58), let om = digits(2), oh <= 14, om < 60 else { return nil }
                offset = sign * (oh * 3_600_000 + om * 60_000)
            } else {
                return nil
            }
        }
        guard i == b.count else { return nil }
        let lo = dayStart + ms - offset
        return DateRange(lo: lo, hi: lo + width)
    }
}
