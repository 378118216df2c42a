import FHIRStore
import FHIRValidation
import Foundation
import SQLKit

/// Accounts in the database: creation with validated details, lookup, listing and disabling.
public struct AccountStore: Sendable {
    public let database: Database
    public let hasher: PasswordHasher
    /// Shortest accepted password.
    public static let minimumPasswordLength = 10

    public init(database: Database, hasher: PasswordHasher = PasswordHasher()) {
        self.database = database
        self.hasher = hasher
    }

    /// Creates an account after checking that its details fit its role; every problem is reported at once.
    public func add(_ new: NewAccount) async throws -> Account {
        let username = new.username.trimmingCharacters(in: .whitespaces).lowercased()
        var problems: [String] = []
        if username.isEmpty || username.count > 64 || !username.allSatisfy({ $0.isLetter || $0.isNumber || "._-@".contains($0) }) {
            problems.append("user name must be 1–64 letters, digits or . _ - @")
        }
        if new.password.count < Self.minimumPasswordLength {
            problems.append("password must have at least \(Self.minimumPasswordLength) characters")
        }
        if new.role == .citizen {
            if let iin = new.iin {
                if case .failure(let problem) = IIN.decode(iin) { problems.append("ИИН \(iin): \(Self.explain(problem))") }
            } else {
                problems.append("a citizen needs an ИИН (--iin)")
            }
        } else if new.iin != nil {
            problems.append("only citizens are identified by ИИН")
        }
        if new.role.needsOrganization && (new.organization ?? "").isEmpty {
            problems.append("a \(new.role.rawValue) needs an organisation (--organization, the Organization id)")
        }
        if new.role == .epidemiologist && (new.region ?? "").isEmpty {
            problems.append("an epidemiologist needs a region (--region)")
        }
        if !problems.isEmpty { throw IdentityError.invalidAccount(problems) }

        let hash = try await hasher.hash(new.password)
        let account = Account(id: UUID().uuidString.lowercased(), username: username, role: new.role, organization: new.organization,
                              practitioner: new.practitioner, iin: new.iin, region: new.region, disabled: false)
        try await database.transaction { db in
            let taken = try await db.raw("SELECT 1 AS x FROM accounts WHERE username = \(bind: username)").all()
            if !taken.isEmpty { throw IdentityError.usernameTaken(username) }
            if let iin = new.iin, !(try await db.raw("SELECT 1 AS x FROM accounts WHERE iin = \(bind: iin)").all()).isEmpty {
                throw IdentityError.invalidAccount(["ИИН \(iin) already has an account"])
            }
            try await db.raw("""
                INSERT INTO accounts (id, username, password_hash, role, organization, practitioner, iin, region, created_at)
                VALUES (\(bind: account.id), \(bind: username), \(bind: hash), \(bind: account.role.rawValue),
                        \(bind: account.organization), \(bind: account.practitioner), \(bind: account.iin), \(bind: account.region),
                        \(bind: Instant.now().iso))
                """).run()
        }
        return account
    }

    public func list() async throws -> [Account] {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM accounts ORDER BY username").all().map(Self.account)
        }
    }

    public func find(username: String) async throws -> Account? {
        try await credentials(username: username)?.account
    }

    public func find(id: String) async throws -> Account? {
        try await database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Self.columns) FROM accounts WHERE id = \(bind: id)").all().first.map(Self.account)
        }
    }

    /// Disables an account and revokes its refresh tokens, so that it cannot sign in or refresh again.
    public func disable(username: String) async throws {
        let name = username.lowercased()
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT id FROM accounts WHERE username = \(bind: name)").all().first else {
                throw IdentityError.unknownUser(name)
            }
            let id = try row.decode(column: "id", as: String.self)
            try await db.raw("UPDATE accounts SET disabled = 1 WHERE id = \(bind: id)").run()
            try await db.raw("UPDATE refresh_tokens SET revoked = 1 WHERE account_id = \(bind: id)").run()
        }
    }

    struct Credentials {
        var account: Account
        var passwordHash: String
        var failedAttempts: Int
        var lockedUntil: String?
    }

    /// A citizen signs in with her ИИН as well as with a username: twelve digits are looked up as an ИИН.
    func credentials(username: String) async throws -> Credentials? {
        let name = username.lowercased().trimmingCharacters(in: .whitespaces)
        let byIIN = name.count == 12 && name.allSatisfy(\.isNumber)
        return try await database.read { db -> Credentials? in
            let condition: SQLQueryString = byIIN ? "(username = \(bind: name) OR (iin = \(bind: name) AND role = 'citizen'))" : "username = \(bind: name)"
            guard let row = try await db.raw("SELECT \(unsafeRaw: Self.columns), password_hash, failed_attempts, locked_until FROM accounts WHERE " + condition).all().first else {
                return nil
            }
            return Credentials(account: try Self.account(row), passwordHash: try row.decode(column: "password_hash", as: String.self),
                               failedAttempts: try row.decode(column: "failed_attempts", as: Int.self),
                               lockedUntil: try row.decode(column: "locked_until", as: String?.self))
        }
    }

    static func explain(_ problem: IIN.Problem) -> String {
        switch problem {
        case .format: "an ИИН is 12 digits"
        case .checkDigit: "the check digit (the 12th) does not match"
        case .birthDate: "digits 1–6 are not a calendar date"
        case .centuryCode: "digit 7 (century and sex) must be 1–6"
        }
    }

    static let columns = "id, username, role, organization, practitioner, iin, region, disabled"

    static func account(_ row: any SQLRow) throws -> Account {
        let roleName = try row.decode(column: "role", as: String.self)
        guard let role = Role(rawValue: roleName) else { throw IdentityError.invalidAccount(["unknown role \(roleName) in the database"]) }
        return Account(id: try row.decode(column: "id", as: String.self), username: try row.decode(column: "username", as: String.self),
                       role: role, organization: try row.decode(column: "organization", as: String?.self),
                       practitioner: try row.decode(column: "practitioner", as: String?.self),
                       iin: try row.decode(column: "iin", as: String?.self), region: try row.decode(column: "region", as: String?.self),
                       disabled: try row.decode(column: "disabled", as: Int.self) != 0)
    }
}
