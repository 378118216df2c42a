/// One row of the search index, extracted from a resource for one search parameter.
public enum IndexEntry: Sendable, Equatable {
    case string(param: String, normalized: String, exact: String)
    case token(param: String, system: String?, code: String?, text: String?)
    case date(param: String, lo: Int64, hi: Int64)
    case number(param: String, value: Double)
    case quantity(param: String, value: Double, system: String?, code: String?)
    case reference(param: String, targetType: String?, targetId: String?, url: String?)
    case uri(param: String, value: String)

    /// The search parameter's code.
    var param: String {
        switch self {
        case let .string(p, _, _), let .token(p, _, _, _), let .date(p, _, _), let .number(p, _),
             let .quantity(p, _, _, _), let .reference(p, _, _, _), let .uri(p, _): p
        }
    }

    var table: String {
        switch self {
        case .string: "sp_string"
        case .token: "sp_token"
        case .date: "sp_date"
        case .number: "sp_number"
        case .quantity: "sp_quantity"
        case .reference: "sp_reference"
        case .uri: "sp_uri"
        }
    }
}
