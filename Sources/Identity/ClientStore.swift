import FHIRStore
import Foundation
import SQLKit

/// An integration client: a medical information system that gets tokens with the client-credentials grant and
/// acts for one organisation.
public struct Client: Sendable, Equatable {
    public var id: String
    public var name: String
    public var organization: String
    /// The SMART system scopes it may ask for (`system/*.read system/Observation.write`).
    public var scopes: [String]
    public var disabled: Bool
}

/// Integration clients in the database. Secrets are random 256-bit values shown once and stored as SHA-256
/// hashes (bcrypt protects guessable human passwords; a random secret needs no slow hash).
public struct ClientStore: Sendable {
    public let database: Database

    public init(database: Database) { self.database = database }

    /// Registers a client; returns it with its secret, which is not stored and cannot be shown again.
    public func add(name: String, organization: String, scopes: [String]) async throws -> (client: Client, secret: String) {
        var problems: [String] = []
        if name.trimmingCharacters(in: .whitespaces).isEmpty { problems.append("a client needs a name") }
        if organization.isEmpty || !ReferenceParser.isId(organization) { problems.append("a client needs the Organization id it acts for") }
        let bad = scopes.filter { !Self.isSystemScope($0) }
        if scopes.isEmpty { problems.append("a client needs at least one scope, e.g. system/*.read") }
        if !bad.isEmpty { problems.append("not system scopes (system/<Type or *>.<read|write|*>): \(bad.joined(separator: ", "))") }
        if !problems.isEmpty { throw IdentityError.invalidAccount(problems) }
        let client = Client(id: "mis-" + TokenService.randomToken().prefix(16).lowercased(), name: name, organization: organization, scopes: scopes, disabled: false)
        let secret = TokenService.randomToken()
        try await database.read { db in
            try await db.raw("""
                INSERT INTO clients (id, name, secret_hash, organization, scopes, created_at)
                VALUES (\(bind: client.id), \(bind: name), \(bind: TokenService.sha256(secret)), \(bind: organization),
                        \(bind: scopes.joined(separator: " ")), \(bind: Instant.now().iso))
                """).run()
        }
        return (client, secret)
    }

    /// The client when the secret is right and it is not disabled.
    func authenticate(id: String, secret: String) async throws -> Client? {
        try await database.read { db -> Client? in
            guard let row = try await db.raw("SELECT * FROM clients WHERE id = \(bind: id)").all().first else { return nil }
            let hash = try row.decode(column: "secret_hash", as: String.self)
            guard Self.constantTimeEqual(hash, TokenService.sha256(secret)) else { return nil }
            return Client(id: id, name: try row.decode(column: "name", as: String.self),
                          organization: try row.decode(column: "organization", as: String.self),
                          scopes: try row.decode(column: "scopes", as: String.self).split(separator: " ").map(String.init),
                          disabled: try row.decode(column: "disabled", as: Int.self) != 0)
        }
    }

    /// `system/Type.read`, `system/*.write`, `system/*.*`.
    static func isSystemScope(_ scope: String) -> Bool {
        guard scope.hasPrefix("system/") else { return false }
        let rest = scope.dropFirst(7).split(separator: ".", maxSplits: 1)
        guard rest.count == 2, ["read", "write", "*"].contains(String(rest[1])) else { return false }
        return rest[0] == "*" || rest[0].allSatisfy { $0.isLetter }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
