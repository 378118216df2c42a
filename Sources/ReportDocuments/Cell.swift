import Foundation

/// The content of one table cell.
///
/// Numbers are kept as `Decimal` so that money and indicator values are exact; the fraction digits say how many
/// decimals are shown (Word text is rounded half away from zero; an Excel cell keeps the exact value and a number
/// format shows the digits).
public enum Cell: Sendable, Hashable {
    /// Text, written as it is (line breaks kept).
    case text(String)
    /// A number shown with `fractionDigits` decimals (0...``maximumFractionDigits``) and thousands grouping.
    case number(Decimal, fractionDigits: Int)
    /// A share given as a fraction (0.875 is 87.5 %), shown as a percentage with `fractionDigits` decimals.
    case percent(Decimal, fractionDigits: Int)
    /// Nothing.
    case empty

    /// The most decimals a number or percentage cell may show.
    public static let maximumFractionDigits = 10

    /// Whether the cell holds a number or a percentage.
    public var isNumeric: Bool {
        switch self {
        case .number, .percent: return true
        case .text, .empty: return false
        }
    }
}

extension Cell: ExpressibleByStringLiteral {
    /// A text cell from a string literal.
    public init(stringLiteral value: String) {
        self = .text(value)
    }
}
