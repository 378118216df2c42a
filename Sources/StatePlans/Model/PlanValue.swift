import Foundation

/// A free-form JSON value, for the fields only one document has (`extra`, `act.draft`, criteria, schedules).
///
/// Numbers are `Decimal`, so an amount such as `460670.4` reads back exactly as printed.
public enum PlanValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case array([PlanValue])
    case object([String: PlanValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Decimal.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([PlanValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: PlanValue].self))
        }
    }

    /// The member of an object; `nil` for a missing key or a value that is not an object.
    public subscript(key: String) -> PlanValue? {
        if case let .object(members) = self { members[key] } else { nil }
    }

    public var string: String? {
        if case let .string(value) = self { value } else { nil }
    }

    public var number: Decimal? {
        if case let .number(value) = self { value } else { nil }
    }

    public var isNull: Bool { self == .null }
}
