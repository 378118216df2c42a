import Audit
import FHIRStore
import Hummingbird
import Identity
import WebApp

/// The web application over a test repository: accounts with cheap bcrypt, tokens, an audit log that flushes
/// quickly, and the router a `WebBrowser` talks to.
struct WebTestServer {
    let tokens: TokenService
    let audit: AuditLog
    let web: WebApp

    static func make(_ repo: Repository, accounts wanted: [NewAccount]) async throws -> WebTestServer {
        let accounts = AccountStore(database: repo.database, hasher: PasswordHasher(cost: 4))
        let tokens = try await TokenService.make(accounts: accounts, secret: String(repeating: "w", count: 40))
        for account in wanted { _ = try await accounts.add(account) }
        let audit = AuditLog(database: repo.database, flushInterval: .milliseconds(20))
        return WebTestServer(tokens: tokens, audit: audit, web: try await WebApp.load(repository: repo, tokens: tokens, audit: audit))
    }

    func app() -> some ApplicationProtocol {
        let router = Router()
        web.addRoutes(to: router)
        return Application(router: router)
    }
}
