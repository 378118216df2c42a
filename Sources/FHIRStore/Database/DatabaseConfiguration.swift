import Foundation

/// Which database a store runs on, from a URL: `postgres://user:pass@host:port/db` (also over a Unix socket, see
/// `PostgresURL`), `sqlite:path/to/file` or a plain file path.
public enum DatabaseConfiguration: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    /// The URL schemes of PostgreSQL: PostgresKit's, over TCP and over a Unix socket.
    public static let postgresSchemes = ["postgres", "postgresql", "postgres+tcp", "postgresql+tcp", "postgres+uds", "postgresql+uds"]

    /// The embedded default: a SQLite file in the working directory.
    public static let defaultSQLitePath = "densauluq.sqlite"

    public init(url: String?) {
        guard let url, !url.isEmpty else { self = .sqlite(path: Self.defaultSQLitePath); return }
        if Self.postgresSchemes.contains(where: { url.hasPrefix($0 + "://") }) {
            self = .postgres(url: url)
        } else if url.hasPrefix("sqlite://") {
            self = .sqlite(path: String(url.dropFirst("sqlite://".count)))
        } else if url.hasPrefix("sqlite:") {
            self = .sqlite(path: String(url.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: url)
        }
    }

    /// The URL without its password, for logs.
    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:\(path)"
        case .postgres(let url):
            guard var c = URLComponents(string: url) else { return "postgres://…" }
            if c.password != nil { c.password = "***" }
            return c.string ?? "postgres://…"
        }
    }
}
