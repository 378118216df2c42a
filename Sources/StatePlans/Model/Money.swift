import Foundation

/// The unit amounts are printed in. The documents mix them: the cancer plan's rows are in thousand tenge and its
/// summary in million, the pandemic plan prints "13,8 млрд.тенге".
public enum MoneyUnit: String, Sendable, Equatable, CaseIterable, Decodable {
    case tenge = "KZT"
    case thousand = "thousand KZT"
    case million = "million KZT"
    case billion = "billion KZT"

    /// Tenge in one unit.
    public var tenge: Decimal {
        switch self {
        case .tenge: 1
        case .thousand: 1_000
        case .million: 1_000_000
        case .billion: 1_000_000_000
        }
    }

    /// `value` given in this unit, expressed in `target`. Exact: the factors are powers of ten.
    public func convert(_ value: Decimal, to target: MoneyUnit) -> Decimal {
        self == target ? value : value * tenge / target.tenge
    }
}

/// A plan's currency (`{"unit": "million KZT", "ru": "млн тенге"}`); also the unit of a financing table.
public struct Currency: Sendable, Equatable, Decodable {
    public var unit: MoneyUnit
    /// The unit as the document prints it.
    public var ru: String?

    public init(unit: MoneyUnit, ru: String? = nil) {
        self.unit = unit
        self.ru = ru
    }
}
