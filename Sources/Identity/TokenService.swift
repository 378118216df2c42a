import Crypto
import FHIRStore
import Foundation
import JWTKit
import SQLKit

/// Sign-in, token refresh, sign-out and access-token verification.
///
/// Access tokens are short-lived JWTs (HS256) that carry the account's role and affiliations; refresh tokens
/// are random, stored only as SHA-256 hashes, rotated on every use, and a reused (stolen) one revokes every
/// refresh token of its account. Repeated wrong passwords lock the account for a while.
public final class TokenService: Sendable {
    public let accounts: AccountStore
    public let policy: Policy
    private let keys: JWTKeyCollection
    private let revocations: RevocationList
    private let verified = VerifiedTokens()

    public struct Policy: Sendable {
        public var accessLifetime = 15 * 60
        public var refreshLifetime = 30 * 24 * 3600
        /// Failed sign-ins in a row that lock an account…
        public var maxFailures = 5
        /// …for this many seconds.
        public var lockout = 15 * 60
        public init() {}
    }

    /// - Parameter secret: the HMAC key (at least 32 characters). When nil, `DENSAULUQ_JWT_SECRET` is used, and
    ///   failing that a key generated on first start and kept in the database's `settings` table.
    public static func make(accounts: AccountStore, secret: String? = nil, policy: Policy = Policy()) async throws -> TokenService {
        let key: String
        if let given = secret ?? ProcessInfo.processInfo.environment["DENSAULUQ_JWT_SECRET"] {
            guard given.utf8.count >= 32 else { throw IdentityError.invalidToken("the signing secret must have at least 32 characters") }
            key = given
        } else {
            key = try await storedSecret(accounts.database)
        }
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: key), digestAlgorithm: .sha256)
        let dummy = try await accounts.hasher.hash(randomToken())
        return TokenService(accounts: accounts, keys: keys, policy: policy, dummyHash: dummy)
    }

    private init(accounts: AccountStore, keys: JWTKeyCollection, policy: Policy, dummyHash: String) {
        self.accounts = accounts
        self.keys = keys
        self.policy = policy
        self.dummyHash = dummyHash
        self.revocations = RevocationList(database: accounts.database)
    }

    /// A hash of a random text at the configured cost, checked for unknown user names so that a failure takes
    /// as long whether or not the name exists.
    private let dummyHash: String

    private var database: Database { accounts.database }

    /// Password sign-in (OAuth2 `grant_type=password` and the web sign-in form).
    public func signIn(username: String, password: String) async throws -> TokenPair {
        guard let creds = try await accounts.credentials(username: username) else {
            // Same work as for a known user, so timing does not reveal which user names exist.
            _ = try await accounts.hasher.verify(password, hash: dummyHash)
            throw IdentityError.invalidCredentials
        }
        let now = Instant.now()
        if let until = creds.lockedUntil, until > now.iso { throw IdentityError.locked(until: until) }
        guard try await accounts.hasher.verify(password, hash: creds.passwordHash) else {
            try await recordFailure(creds, now: now)
            throw IdentityError.invalidCredentials
        }
        if creds.account.disabled { throw IdentityError.disabled }
        try await database.read { db in
            try await db.raw("UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE id = \(bind: creds.account.id)").run()
        }
        return try await issue(for: creds.account)
    }

    /// Counts a wrong password in the database itself (`failed_attempts + 1`), so concurrent attempts are all
    /// counted, and locks the account when the count reaches the limit.
    private func recordFailure(_ creds: AccountStore.Credentials, now: Instant) async throws {
        let id = creds.account.id
        let until = Instant(millis: now.millis + Int64(policy.lockout) * 1000).iso
        let limit = policy.maxFailures
        try await database.transaction { db in
            try await db.raw("UPDATE accounts SET failed_attempts = failed_attempts + 1 WHERE id = \(bind: id)").run()
            try await db.raw("""
                UPDATE accounts SET failed_attempts = 0, locked_until = \(bind: until)
                WHERE id = \(bind: id) AND failed_attempts >= \(bind: limit)
                """).run()
        }
    }

    /// OAuth2 client-credentials grant for an integration client. The token is granted the requested scopes that
    /// the client is registered for (all of them when none are requested), acts for the client's organisation,
    /// and comes without a refresh token (the client signs in again).
    public func clientCredentials(clientId: String, secret: String, scope requested: String?) async throws -> TokenPair {
        guard let client = try await ClientStore(database: database).authenticate(id: clientId, secret: secret) else {
            throw IdentityError.invalidCredentials
        }
        if client.disabled { throw IdentityError.disabled }
        let wanted = requested.map { $0.split(separator: " ").map(String.init) } ?? client.scopes
        let granted = wanted.filter { client.scopes.contains($0) }
        guard !granted.isEmpty else { throw IdentityError.invalidToken("none of the requested scopes is registered for this client") }
        let now = Date()
        let claims = AccessToken(iss: .init(value: AccessToken.issuer), sub: .init(value: client.id),
                                 exp: .init(value: now.addingTimeInterval(TimeInterval(policy.accessLifetime))),
                                 iat: .init(value: now), jti: .init(value: UUID().uuidString.lowercased()),
                                 role: AccessToken.systemRole, org: client.organization, practitioner: nil, iin: nil, region: nil,
                                 scope: granted.joined(separator: " "))
        return TokenPair(accessToken: try await keys.sign(claims), expiresIn: policy.accessLifetime, refreshToken: "",
                         scope: claims.scope, account: nil)
    }

    /// Exchanges a refresh token for a new pair; the old refresh token stops working.
    public func refresh(_ refreshToken: String) async throws -> TokenPair {
        let hash = Self.sha256(refreshToken)
        enum Lookup: Sendable { case valid(String), reused }
        let lookup: Lookup = try await database.transaction { db in
            guard let row = try await db.raw("SELECT account_id, expires_at, revoked FROM refresh_tokens WHERE token_hash = \(bind: hash)").all().first else {
                throw IdentityError.invalidToken("unknown refresh token")
            }
            let account = try row.decode(column: "account_id", as: String.self)
            if try row.decode(column: "revoked", as: Int.self) != 0 {
                // A rotated token used again: someone else may hold it. End every session of the account
                // (committed, then refused below; throwing here would roll the revocation back).
                try await db.raw("UPDATE refresh_tokens SET revoked = 1 WHERE account_id = \(bind: account)").run()
                return .reused
            }
            if try row.decode(column: "expires_at", as: String.self) <= Instant.now().iso { throw IdentityError.invalidToken("the refresh token has expired") }
            try await db.raw("UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = \(bind: hash)").run()
            return .valid(account)
        }
        guard case .valid(let accountId) = lookup else {
            throw IdentityError.invalidToken("the refresh token was already used; all sessions of the account are ended")
        }
        guard let account = try await accounts.find(id: accountId) else { throw IdentityError.invalidToken("the account no longer exists") }
        if account.disabled { throw IdentityError.disabled }
        return try await issue(for: account)
    }

    /// Sign-out: the refresh token and (when given) the access token stop working at once.
    public func signOut(refreshToken: String?, accessToken: String?) async throws {
        var verified: AccessToken?
        if let accessToken { verified = try await verify(accessToken) }
        let claims = verified
        try await database.transaction { db in
            if let refreshToken {
                try await db.raw("UPDATE refresh_tokens SET revoked = 1 WHERE token_hash = \(bind: Self.sha256(refreshToken))").run()
            }
            if let claims {
                let expires = Instant(millis: Int64(claims.exp.value.timeIntervalSince1970 * 1000)).iso
                try await db.raw("DELETE FROM revoked_tokens WHERE expires_at < \(bind: Instant.now().iso)").run()
                try await db.raw("INSERT INTO revoked_tokens (jti, expires_at) VALUES (\(bind: claims.jti.value), \(bind: expires)) ON CONFLICT (jti) DO NOTHING").run()
            }
        }
        if let claims { revocations.add(claims.jti.value) }
    }

    /// Checks an access token's signature, expiry and revocation and returns its claims.
    public func verify(_ token: String) async throws -> AccessToken {
        let claims: AccessToken
        if let known = verified.claims(token) {
            claims = known
        } else {
            do { claims = try await keys.verify(token, as: AccessToken.self) } catch {
                throw IdentityError.invalidToken(Self.reason(error))
            }
            verified.remember(token, claims)
        }
        if try await revocations.isRevoked(claims.jti.value) { throw IdentityError.invalidToken("the token was revoked at sign-out") }
        return claims
    }

    private func issue(for account: Account) async throws -> TokenPair {
        let now = Date()
        let claims = AccessToken(iss: .init(value: AccessToken.issuer), sub: .init(value: account.id),
                                 exp: .init(value: now.addingTimeInterval(TimeInterval(policy.accessLifetime))),
                                 iat: .init(value: now), jti: .init(value: UUID().uuidString.lowercased()),
                                 role: account.role.rawValue, org: account.organization, practitioner: account.practitioner,
                                 iin: account.iin, region: account.region, scope: Self.scopes(for: account.role),
                                 name: account.username)
        let access = try await keys.sign(claims)
        let refresh = Self.randomToken()
        let expires = Instant(millis: Instant.now().millis + Int64(policy.refreshLifetime) * 1000).iso
        try await database.read { db in
            try await db.raw("""
                INSERT INTO refresh_tokens (token_hash, account_id, expires_at, created_at)
                VALUES (\(bind: Self.sha256(refresh)), \(bind: account.id), \(bind: expires), \(bind: Instant.now().iso))
                """).run()
        }
        return TokenPair(accessToken: access, expiresIn: policy.accessLifetime, refreshToken: refresh, scope: claims.scope, account: account)
    }

    /// SMART on FHIR scopes granted to each role; the access rules refine them per patient and organisation.
    public static func scopes(for role: Role) -> String {
        switch role {
        case .citizen: "openid fhirUser patient/*.read"
        case .clinician: "openid fhirUser user/*.read user/*.write"
        case .pharmacist: "openid fhirUser user/*.read user/MedicationDispense.write"
        case .epidemiologist: "openid fhirUser user/*.read"
        case .analyst: "openid fhirUser user/Measure.read user/MeasureReport.read user/Organization.read user/Location.read"
        case .planExecutor: "openid fhirUser user/Measure.read user/MeasureReport.read"
        case .organizationAdmin: "openid fhirUser user/*.read user/*.write"
        case .systemAdmin: "openid fhirUser user/*.read user/*.write"
        }
    }

    static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("exp") { return "it has expired" }
        if text.contains("signature") { return "the signature does not match" }
        return "it is malformed or not signed by this server"
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func randomToken() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func storedSecret(_ database: Database) async throws -> String {
        try await database.read { db in
            let fresh = randomToken() + randomToken()
            try await db.raw("INSERT INTO settings (name, value) VALUES ('jwt_secret', \(bind: fresh)) ON CONFLICT (name) DO NOTHING").run()
            guard let row = try await db.raw("SELECT value FROM settings WHERE name = 'jwt_secret'").all().first else {
                throw IdentityError.invalidToken("no signing key could be stored")
            }
            return try row.decode(column: "value", as: String.self)
        }
    }
}
