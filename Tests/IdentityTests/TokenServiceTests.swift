import DatabaseTesting
import FHIRStore
import Foundation
@testable import Identity
import Testing

/// Accounts, sign-in, lock-out, refresh rotation and revocation, on SQLite and PostgreSQL.
@Suite struct TokenServiceTests {
    static let citizenIIN = "900412400173"   // 1990-04-12, female

    /// Low bcrypt cost keeps the suite fast; the algorithm is the same.
    static func services(_ repo: Repository, policy: TokenService.Policy = .init()) async throws -> (AccountStore, TokenService) {
        let accounts = AccountStore(database: repo.database, hasher: PasswordHasher(cost: 4))
        return (accounts, try await TokenService.make(accounts: accounts, secret: String(repeating: "k", count: 40), policy: policy))
    }

    @Test(arguments: TestDatabase.available)
    func accountDetailsAreCheckedForTheirRole(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let (accounts, _) = try await Self.services(repo)
            do {
                _ = try await accounts.add(NewAccount(username: "x y", password: "short", role: .citizen, iin: "900412400174"))
                Issue.record("accepted")
            } catch let IdentityError.invalidAccount(problems) {
                #expect(problems.count == 3)   // user name, password, check digit
                #expect(problems.contains { $0.contains("check digit") })
            }
            await #expect(throws: IdentityError.self) {
                _ = try await accounts.add(NewAccount(username: "kim", password: "long-enough-1", role: .clinician))   // no organisation
            }
            let citizen = try await accounts.add(NewAccount(username: "Aigerim", password: "long-enough-1", role: .citizen, iin: Self.citizenIIN))
            #expect(citizen.username == "aigerim")
            await #expect(throws: IdentityError.usernameTaken("aigerim")) {
                _ = try await accounts.add(NewAccount(username: "AIGERIM", password: "long-enough-2", role: .analyst))
            }
            #expect(try await accounts.list().map(\.username) == ["aigerim"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func signInRefreshRotationAndSignOut(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let (accounts, tokens) = try await Self.services(repo)
            _ = try await accounts.add(NewAccount(username: "dr.kim", password: "correct horse", role: .clinician, organization: "org-1", practitioner: "pr-1"))
            let pair = try await tokens.signIn(username: "Dr.Kim", password: "correct horse")
            let claims = try await tokens.verify(pair.accessToken)
            #expect(claims.role == "clinician" && claims.org == "org-1" && claims.practitioner == "pr-1")
            #expect(pair.scope.contains("user/*.read"))

            // A tampered token: change the role in the payload, keep the signature.
            let parts = pair.accessToken.split(separator: ".").map(String.init)
            var payload = try #require(Data(base64Encoded: Self.padded(parts[1])))
            payload = Data(String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "clinician", with: "system-admin").utf8)
            let forged = [parts[0], payload.base64EncodedString().replacingOccurrences(of: "=", with: ""), parts[2]].joined(separator: ".")
            await #expect(throws: IdentityError.self) { _ = try await tokens.verify(forged) }

            // Rotation: the new refresh token works once; reusing the old one ends every session.
            let second = try await tokens.refresh(pair.refreshToken)
            await #expect(throws: IdentityError.self) { _ = try await tokens.refresh(pair.refreshToken) }
            await #expect(throws: IdentityError.self) { _ = try await tokens.refresh(second.refreshToken) }

            // Sign-out revokes the access token at once, also one verified (and remembered) before.
            let third = try await tokens.signIn(username: "dr.kim", password: "correct horse")
            #expect(try await tokens.verify(third.accessToken).jti == (try await tokens.verify(third.accessToken)).jti)
            try await tokens.signOut(refreshToken: third.refreshToken, accessToken: third.accessToken)
            await #expect(throws: IdentityError.self) { _ = try await tokens.verify(third.accessToken) }
            await #expect(throws: IdentityError.self) { _ = try await tokens.refresh(third.refreshToken) }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aRememberedTokenStillExpires(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            var policy = TokenService.Policy()
            // Seconds, as the JWT carries them (whole seconds): long enough to verify once on a loaded machine.
            policy.accessLifetime = 5
            let (accounts, tokens) = try await Self.services(repo, policy: policy)
            _ = try await accounts.add(NewAccount(username: "dr.kim", password: "correct horse", role: .clinician, organization: "org-1"))
            let token = try await tokens.signIn(username: "dr.kim", password: "correct horse").accessToken
            #expect(try await tokens.verify(token).role == "clinician")
            try await Task.sleep(for: .milliseconds(6500))
            await #expect(throws: IdentityError.self) { _ = try await tokens.verify(token) }
        }
    }

    @Test(arguments: TestDatabase.available)
    func expiredTokensAndTokensOfAnotherKeyAreRejected(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            var policy = TokenService.Policy()
            policy.accessLifetime = -60
            let (accounts, expiring) = try await Self.services(repo, policy: policy)
            _ = try await accounts.add(NewAccount(username: "dr.kim", password: "correct horse", role: .clinician, organization: "org-1"))
            let expired = try await expiring.signIn(username: "dr.kim", password: "correct horse").accessToken
            await #expect(throws: IdentityError.self) { _ = try await expiring.verify(expired) }
            let other = try await TokenService.make(accounts: accounts, secret: String(repeating: "z", count: 40))
            let foreign = try await other.signIn(username: "dr.kim", password: "correct horse").accessToken
            let (_, tokens) = try await Self.services(repo)
            await #expect(throws: IdentityError.self) { _ = try await tokens.verify(foreign) }
            // `alg: none` with the same claims is not accepted either.
            let parts = foreign.split(separator: ".").map(String.init)
            let none = Data(#"{"alg":"none","typ":"JWT"}"#.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            await #expect(throws: IdentityError.self) { _ = try await tokens.verify(none + "." + parts[1] + ".") }
        }
    }

    @Test(arguments: TestDatabase.available)
    func repeatedFailuresLockAndDisabledAccountsCannotSignIn(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            var policy = TokenService.Policy()
            policy.maxFailures = 3
            let (accounts, tokens) = try await Self.services(repo, policy: policy)
            _ = try await accounts.add(NewAccount(username: "analyst", password: "correct horse", role: .analyst))
            for _ in 0..<3 {
                await #expect(throws: IdentityError.invalidCredentials) { _ = try await tokens.signIn(username: "analyst", password: "wrong") }
            }
            // Locked: even the right password is refused until the lock ends.
            do { _ = try await tokens.signIn(username: "analyst", password: "correct horse"); Issue.record("signed in while locked") }
            catch let error as IdentityError { if case .locked = error {} else { Issue.record("expected locked, got \(error)") } }
            // Unknown user names fail the same way as wrong passwords.
            await #expect(throws: IdentityError.invalidCredentials) { _ = try await tokens.signIn(username: "nobody", password: "x") }

            _ = try await accounts.add(NewAccount(username: "pharm", password: "correct horse", role: .pharmacist, organization: "apteka-1"))
            let pair = try await tokens.signIn(username: "pharm", password: "correct horse")
            try await accounts.disable(username: "pharm")
            await #expect(throws: IdentityError.disabled) { _ = try await tokens.signIn(username: "pharm", password: "correct horse") }
            await #expect(throws: IdentityError.self) { _ = try await tokens.refresh(pair.refreshToken) }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aGeneratedSigningKeyIsKeptAcrossRestarts(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let accounts = AccountStore(database: repo.database, hasher: PasswordHasher(cost: 4))
            _ = try await accounts.add(NewAccount(username: "admin", password: "correct horse", role: .systemAdmin))
            let first = try await TokenService.make(accounts: accounts)
            let pair = try await first.signIn(username: "admin", password: "correct horse")
            let restarted = try await TokenService.make(accounts: accounts)
            #expect(try await restarted.verify(pair.accessToken).role == "system-admin")
        }
    }

    static func padded(_ base64url: String) -> String {
        let s = base64url.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return s + String(repeating: "=", count: (4 - s.count % 4) % 4)
    }
}

/// Integration clients and the client-credentials grant.
@Suite struct ClientCredentialsTests {
    @Test(arguments: TestDatabase.available)
    func aClientGetsOnlyItsRegisteredScopesForItsOrganization(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let (_, tokens) = try await TokenServiceTests.services(repo)
            let store = ClientStore(database: repo.database)
            await #expect(throws: IdentityError.self) {
                _ = try await store.add(name: "MIS", organization: "org-1", scopes: ["user/*.read", "system/*.fly"])
            }
            let (client, secret) = try await store.add(name: "Damumed", organization: "org-1", scopes: ["system/*.read", "system/Observation.write"])
            let pair = try await tokens.clientCredentials(clientId: client.id, secret: secret, scope: "system/*.read system/*.write")
            #expect(pair.scope == "system/*.read" && pair.refreshToken.isEmpty && pair.account == nil)
            let claims = try await tokens.verify(pair.accessToken)
            #expect(claims.role == AccessToken.systemRole && claims.org == "org-1" && claims.sub.value == client.id && claims.accountRole == nil)
            let all = try await tokens.clientCredentials(clientId: client.id, secret: secret, scope: nil)
            #expect(all.scope == "system/*.read system/Observation.write")
            await #expect(throws: IdentityError.invalidCredentials) {
                _ = try await tokens.clientCredentials(clientId: client.id, secret: secret + "x", scope: nil)
            }
            await #expect(throws: IdentityError.self) {
                _ = try await tokens.clientCredentials(clientId: client.id, secret: secret, scope: "system/Patient.write")
            }
        }
    }
}

/// Revocations are checked against an in-memory copy of `revoked_tokens`, re-read at most every `maxAge`.
@Suite struct RevocationListTests {
    @Test(arguments: TestDatabase.available)
    func anotherProcessesRevocationCountsWithinMaxAge(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let list = RevocationList(database: repo.database, maxAge: .milliseconds(50))
            #expect(try await list.isRevoked("jti-1") == false)
            list.add("jti-local")
            #expect(try await list.isRevoked("jti-local"))
            // Written by another server process sharing the database.
            try await repo.database.read { db in
                try await db.raw("INSERT INTO revoked_tokens (jti, expires_at) VALUES ('jti-1', '2999-01-01T00:00:00Z')").run()
            }
            try await Task.sleep(for: .milliseconds(120))
            #expect(try await list.isRevoked("jti-1"))
            #expect(try await list.isRevoked("jti-local"), "a reload keeps this process's own revocations")
            #expect(try await list.isRevoked("jti-2") == false)
        }
    }
}
