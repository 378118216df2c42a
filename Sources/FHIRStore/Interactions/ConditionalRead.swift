import Foundation

/// Conditional read (`If-None-Match`, `If-Modified-Since`), for HTTP requests and for GET entries of a batch
/// (`request.ifNoneMatch`, `request.ifModifiedSince`): whether the client's copy is still current.
public enum ConditionalRead {
    /// Whether the validators say the client's copy of `r` is current: `ifNoneMatch` names its ETag (weak or as a
    /// strong tag, in a list, or `*`), or — only without `ifNoneMatch`, as RFC 7232 orders — the version is not
    /// newer than `ifModifiedSince` (an HTTP date, or in a Bundle a FHIR instant), to the second.
    public static func notModified(ifNoneMatch: String?, ifModifiedSince: String?, _ r: StoredResource) -> Bool {
        if let ifNoneMatch {
            return ifNoneMatch.split(separator: ",").contains { tag in
                let t = tag.trimmingCharacters(in: .whitespaces)
                return t == "*" || t == r.etag || "W/" + t == r.etag
            }
        }
        guard let text = ifModifiedSince, let since = HTTPDate.parse(text) ?? DateRange.parse(text).map({ $0.lo / 1000 }),
              let modified = DateRange.parse(r.lastUpdated)?.lo else { return false }
        return modified / 1000 <= since
    }
}

/// RFC 7231 dates (`Tue, 05 Mar 2024 10:00:00 GMT`), the form of `Last-Modified` and `If-Modified-Since`.
public enum HTTPDate {
    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The HTTP date of a FHIR instant. Computed by hand: a shared DateFormatter is not safe to use from many
    /// requests at once.
    public static func format(_ instant: String) -> String? {
        guard let range = DateRange.parse(instant) else { return nil }
        func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
        var seconds = floorDiv(range.lo, 1000)
        let days = floorDiv(seconds, 86_400)
        seconds -= days * 86_400
        let (y, m, d) = CivilDate.fromDays(days)
        let weekday = Int(((days % 7) + 11) % 7)   // 1970-01-01 was a Thursday (index 4): (0 + 4) mod 7
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekdays[weekday]), \(two(d)) \(months[Int(m) - 1]) \(y) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)) GMT"
    }

    /// Seconds since 1970 of an HTTP date; nil for anything else.
    public static func parse(_ text: String) -> Int64? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, fields[5] == "GMT", let day = Int64(fields[1]), let month = months.firstIndex(of: String(fields[2])),
              let year = Int64(fields[3]), (1...31).contains(day) else { return nil }
        let time = fields[4].split(separator: ":").compactMap { Int64($0) }
        guard time.count == 3, (0..<24).contains(time[0]), (0..<60).contains(time[1]), (0...60).contains(time[2]) else { return nil }
        return CivilDate.days(year: year, month: Int64(month + 1), day: day) * 86_400 + time[0] * 3600 + time[1] * 60 + time[2]
    }
}
