import Foundation

/// How numbers are written as text in a report: the thousands separator, the decimal separator and the percent sign.
///
/// | style | number | percentage |
/// | --- | --- | --- |
/// | ``ru``, ``kk`` | 1 234,5 (a no-break space, U+00A0, between groups) | 87,5 % (a no-break space before %) |
/// | ``en`` | 1,234.5 | 87.5% |
///
/// Values are rounded half away from zero to the number of decimals asked for, and every number of four digits or
/// more is grouped by thousands.
public enum NumberStyle: String, Sendable, Hashable, CaseIterable {
    /// Russian: "1 234,5", "87,5 %".
    case ru
    /// Kazakh, written as Russian: "1 234,5", "87,5 %".
    case kk
    /// English: "1,234.5", "87.5%".
    case en

    /// The thousands separator.
    public var groupingSeparator: String { self == .en ? "," : "\u{00A0}" }
    /// The decimal separator.
    public var decimalSeparator: String { self == .en ? "." : "," }
    /// What follows the digits of a percentage.
    public var percentSuffix: String { self == .en ? "%" : "\u{00A0}%" }

    /// `value` rounded to `fractionDigits` decimals (clamped to 0...``Cell/maximumFractionDigits``) and written in
    /// this style.
    public func format(_ value: Decimal, fractionDigits: Int) -> String {
        let digits = min(max(fractionDigits, 0), Cell.maximumFractionDigits)
        let plain = Self.plainDigits(of: Self.rounded(value, digits))
        var integer = plain.integer
        var groups: [Substring] = []
        while integer.count > 3 {
            groups.insert(integer.suffix(3), at: 0)
            integer = String(integer.dropLast(3))
        }
        groups.insert(Substring(integer), at: 0)
        var text = (plain.negative ? "-" : "") + groups.joined(separator: groupingSeparator)
        if digits > 0 {
            let fraction = plain.fraction.padding(toLength: digits, withPad: "0", startingAt: 0)
            text += decimalSeparator + fraction
        }
        return text
    }

    /// The fraction `share` (0.875) written as a percentage (87,5 %) with `fractionDigits` decimals.
    public func formatPercent(_ share: Decimal, fractionDigits: Int) -> String {
        format(share * 100, fractionDigits: fractionDigits) + percentSuffix
    }

    /// The text a Word table shows for `cell`.
    public func text(for cell: Cell) -> String {
        switch cell {
        case .text(let text): return text
        case .number(let value, let digits): return format(value, fractionDigits: digits)
        case .percent(let share, let digits): return formatPercent(share, fractionDigits: digits)
        case .empty: return ""
        }
    }

    /// `value` rounded half away from zero to `digits` decimals.
    static func rounded(_ value: Decimal, _ digits: Int) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, digits, .plain)
        return result
    }

    /// The sign, integer digits and fraction digits of `value`, from its locale-independent description; a value
    /// that rounds to zero has no sign.
    static func plainDigits(of value: Decimal) -> (negative: Bool, integer: String, fraction: String) {
        var text = value.description
        let negative = text.hasPrefix("-") && !value.isZero
        if text.hasPrefix("-") { text.removeFirst() }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = parts.first.map(String.init) ?? "0"
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return (negative, integer.isEmpty ? "0" : integer, fraction)
    }
}
