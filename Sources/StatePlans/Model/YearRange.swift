/// Inclusive calendar years: a plan's period (`{"from": 2023, "to": 2027}`) or a column of a table (`"2026-2030"`,
/// `"2023"`).
public struct YearRange: Sendable, Hashable, Comparable, CustomStringConvertible, Decodable {
    public var from: Int
    public var to: Int

    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }

    /// One year.
    public init(_ year: Int) { self.init(from: year, to: year) }

    /// `"2026-2030"`, `"2026–2030"` or `"2023"`; `nil` for anything else or a range that runs backwards.
    public init?(_ text: String) {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "–" }).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (1...2).contains(parts.count), let first = Int(parts[0]), let last = Int(parts[parts.count - 1]),
              first <= last else { return nil }
        self.init(from: first, to: last)
    }

    private enum CodingKeys: String, CodingKey { case from, to }

    /// Decodes either shape: the object `{"from", "to"}` or the string `"2026-2030"`.
    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            guard let range = YearRange(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a year or a range of years"))
            }
            self = range
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let range = YearRange(from: try container.decode(Int.self, forKey: .from), to: try container.decode(Int.self, forKey: .to))
        guard range.from <= range.to else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "the range \(range.from)-\(range.to) runs backwards"))
        }
        self = range
    }

    public var years: ClosedRange<Int> { from...to }

    public func contains(_ other: YearRange) -> Bool { from <= other.from && other.to <= to }

    /// `"2023"` or `"2026-2030"`, as the tables print their columns.
    public var description: String { from == to ? "\(from)" : "\(from)-\(to)" }

    public static func < (lhs: YearRange, rhs: YearRange) -> Bool {
        (lhs.from, lhs.to) < (rhs.from, rhs.to)
    }
}
