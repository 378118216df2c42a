import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Identity

/// The signed-in person of a page request, kept in cookies: the short-lived access token and the refresh token
/// (both HttpOnly, SameSite=Lax), renewed on the way when the access token has expired; and a random form token
/// that every POST must echo (double-submit), so that another site cannot post a form in the person's name.
struct WebSession: Sendable {
    static let accessCookie = "dz_access"
    static let refreshCookie = "dz_refresh"
    static let formCookie = "dz_form"
    static let languageCookie = "dz_lang"

    let tokens: TokenService

    /// Who is signed in, and the cookies to send back (renewed tokens, a new form token).
    struct Resolved: Sendable {
        var principal: AccessToken?
        var formToken: String
        var cookies: [Cookie]
    }

    func resolve(_ request: Request) async -> Resolved {
        var cookies: [Cookie] = []
        let formToken = request.cookies[Self.formCookie]?.value ?? {
            let token = Self.randomToken()
            cookies.append(Self.cookie(Self.formCookie, token, request: request, maxAge: 30 * 24 * 3600))
            return token
        }()
        if let access = request.cookies[Self.accessCookie]?.value, let principal = try? await tokens.verify(access) {
            return Resolved(principal: principal, formToken: formToken, cookies: cookies)
        }
        if let refresh = request.cookies[Self.refreshCookie]?.value, let pair = try? await tokens.refresh(refresh),
           let principal = try? await tokens.verify(pair.accessToken) {
            cookies += Self.sessionCookies(pair, request: request)
            return Resolved(principal: principal, formToken: formToken, cookies: cookies)
        }
        return Resolved(principal: nil, formToken: formToken, cookies: cookies)
    }

    static func sessionCookies(_ pair: TokenPair, request: Request) -> [Cookie] {
        [cookie(accessCookie, pair.accessToken, request: request, maxAge: pair.expiresIn),
         cookie(refreshCookie, pair.refreshToken, request: request, maxAge: 30 * 24 * 3600)]
    }

    static func clearedCookies(request: Request) -> [Cookie] {
        [cookie(accessCookie, "", request: request, maxAge: 0), cookie(refreshCookie, "", request: request, maxAge: 0)]
    }

    /// Secure when the page was reached over HTTPS (directly or through a proxy that says so).
    static func cookie(_ name: String, _ value: String, request: Request, maxAge: Int, httpOnly: Bool = true) -> Cookie {
        let secure = request.uri.scheme == .https || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
        return Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: httpOnly, sameSite: .lax)
    }

    static func randomToken() -> String {
        let key = SymmetricKey(size: .bits256)
        return key.withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Whether a posted form carries the form token of the browser's cookie.
    static func formIsGenuine(_ form: [String: String], request: Request) -> Bool {
        guard let cookie = request.cookies[formCookie]?.value, let posted = form["form_token"], !cookie.isEmpty else { return false }
        return Data(cookie.utf8) == Data(posted.utf8)
    }
}
