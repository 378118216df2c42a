import Foundation

/// The languages of the web application. Russian is the default; the choice is kept in a cookie.
public enum Language: String, Sendable, CaseIterable {
    case ru, kk, en

    /// The language's own name, for the switcher.
    public var name: String {
        switch self {
        case .ru: "Русский"
        case .kk: "Қазақша"
        case .en: "English"
        }
    }

    /// The first supported language of an `Accept-Language` header (`kk-KZ,ru;q=0.8`), in the header's order.
    static func preferred(_ header: String?) -> Language? {
        guard let header else { return nil }
        let tags = header.split(separator: ",").map { $0.split(separator: ";").first.map { String($0).trimmingCharacters(in: .whitespaces).lowercased() } ?? "" }
        for tag in tags {
            if let language = Language(rawValue: String(tag.prefix(2))) { return language }
        }
        return nil
    }

    /// A date (`YYYY-MM-DD`) as the language writes it: `03.12.2026` in Russian and Kazakh, `3 Dec 2026` in English.
    public func date(_ iso: String) -> String {
        let parts = iso.prefix(10).split(separator: "-")
        guard parts.count == 3, let month = Int(parts[1]), (1...12).contains(month), let day = Int(parts[2]) else { return iso }
        switch self {
        case .ru, .kk: return "\(parts[2]).\(parts[1]).\(parts[0])"
        case .en:
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            return "\(day) \(months[month - 1]) \(parts[0])"
        }
    }

    /// A number with the language's separators: `1 234,5` in Russian and Kazakh, `1,234.5` in English.
    /// Written out by hand: a `NumberFormatter` per call set up ICU's locale data each time, which was a tenth of
    /// a chart page's server time.
    public func number(_ value: Double, fractionDigits: Int = 0) -> String {
        guard value.isFinite else { return String(value) }
        let (group, decimal) = self == .en ? (",", ".") : ("\u{00A0}", ",")
        let digits = max(0, min(fractionDigits, 6))
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        // Half away from zero (36.25 → 36.3), as people round by hand.
        let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9e15 else { return String(value) }
        let whole = UInt64(scaled) / UInt64(scale), fraction = UInt64(scaled) % UInt64(scale)
        var integer = String(whole)
        var grouped = ""
        while integer.count > 3 {
            grouped = group + integer.suffix(3) + grouped
            integer.removeLast(3)
        }
        var text = (value < 0 && scaled > 0 ? "-" : "") + integer + grouped
        if digits > 0 {
            let f = String(fraction)
            text += decimal + String(repeating: "0", count: digits - f.count) + f
        }
        return text
    }
}
