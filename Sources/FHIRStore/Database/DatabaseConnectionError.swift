import PostgresNIO

/// A database connection that could not be opened, saying where to and why in words an operator can act on.
///
/// PostgresNIO describes its errors generically ("PSQLError – Generic description to prevent accidental leakage
/// of sensitive data"), which left a mistyped database name or a stopped server indistinguishable. The reason here
/// is the server's own message (`database "x" does not exist`, `password authentication failed …`) or the
/// socket's (`Connection refused`); the endpoint is shown without its password.
public struct DatabaseConnectionError: Error, CustomStringConvertible, Sendable {
    /// Where the connection was to go (`DatabaseConfiguration.description`).
    public var endpoint: String
    public var reason: String

    public var description: String { "Cannot connect to \(endpoint): \(reason)" }

    init(endpoint: String, underlying error: any Error) {
        self.endpoint = endpoint
        self.reason = Self.reason(error)
    }

    static func reason(_ error: any Error) -> String {
        guard let psql = error as? PSQLError else { return String(describing: error) }
        if let message = psql.serverInfo?[.message] {
            return [message, psql.serverInfo?[.hint]].compactMap { $0 }.joined(separator: ". ")
        }
        if let underlying = psql.underlying { return String(describing: underlying) }
        return psql.code.description
    }
}
