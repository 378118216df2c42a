/// The comparison prefixes of date, number and quantity search values.
public enum SearchPrefix: String, Sendable, CaseIterable {
    case eq, ne, gt, lt, ge, le, sa, eb, ap

    /// Splits `ge2024-01-01` into (.ge, "2024-01-01"); no prefix means `eq`.
    static func split(_ value: String) -> (SearchPrefix, String) {
        if value.count > 2, let p = SearchPrefix(rawValue: String(value.prefix(2))) {
            let rest = value.dropFirst(2)
            if let f = rest.first, f.isNumber || f == "-" || f == "." { return (p, String(rest)) }
        }
        return (.eq, value)
    }
}
