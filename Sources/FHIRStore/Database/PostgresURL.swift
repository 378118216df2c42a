import Foundation
import PostgresKit

/// A PostgreSQL connection URL that cannot be used, with the forms that can.
public struct DatabaseURLError: Error, CustomStringConvertible, Sendable {
    public var url: String
    public var problem: String

    public var description: String {
        "Cannot connect with \(DatabaseConfiguration.postgres(url: url)): \(problem). Use postgres://user:password@host:port/database "
            + "(TCP), postgres://user@/database?host=/run/postgresql (a Unix socket's directory, as libpq) or "
            + "postgres+uds://user@localhost/run/postgresql/.s.PGSQL.5432#database."
    }
}

/// How a PostgreSQL URL becomes a connection configuration.
///
/// On top of PostgresKit's forms (`postgres://` over TCP, `postgres+uds://…/socket#database`), the libpq form of a
/// Unix socket — `host=` naming a directory, `port=` choosing the socket in it — because that is what a
/// `DATABASE_URL` next to PostgreSQL on the same machine usually says (no TCP listener, peer authentication).
/// Measured on one machine, reads by id were no faster over the socket than over loopback TCP
/// (docs/benchmarks.md), so it is a deployment choice, not a speed-up.
enum PostgresURL {
    /// PostgreSQL's port when a URL names none.
    static let defaultPort = 5432

    static func configuration(_ url: String) throws(DatabaseURLError) -> SQLPostgresConfiguration {
        guard let components = URLComponents(string: url) else { throw DatabaseURLError(url: url, problem: "it is not a URL") }
        guard let user = components.user, !user.isEmpty else { throw DatabaseURLError(url: url, problem: "it names no user") }
        let query = components.queryItems ?? []
        if let directory = query.last(where: { $0.name == "host" })?.value, directory.hasPrefix("/") {
            let portText = query.last(where: { $0.name == "port" })?.value
            guard let port = portText.map({ Int($0) }) ?? components.port ?? defaultPort else {
                throw DatabaseURLError(url: url, problem: "port=\(portText ?? "") is not a number")
            }
            let name = query.last(where: { $0.name == "dbname" })?.value
                ?? String(components.path.drop(while: { $0 == "/" }))
            let socket = (directory.hasSuffix("/") ? String(directory.dropLast()) : directory) + "/.s.PGSQL.\(port)"
            return SQLPostgresConfiguration(unixDomainSocketPath: socket, username: user, password: components.password,
                                            database: name.isEmpty ? nil : name)
        }
        do {
            return try SQLPostgresConfiguration(url: url)
        } catch {
            let problem = components.scheme?.hasSuffix("+uds") == true
                ? "a postgres+uds URL needs the socket's path and no port"
                : (components.host ?? "").isEmpty ? "it names no host" : "its TLS mode is not one of disable, prefer, require"
            throw DatabaseURLError(url: url, problem: problem)
        }
    }
}
