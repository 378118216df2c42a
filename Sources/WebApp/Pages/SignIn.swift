import Foundation
import Hummingbird
import Identity

/// Signing in and out with the account's username (or a citizen's ИИН) and password.
extension WebApp {
    func signInForm(_ page: PageRequest, message: String?, username: String = "", status: Int = 200) -> Response {
        var data: [String: Any] = ["username": username, "next": Self.safeNext(page.query("next"))]
        if let message { data["error"] = message }
        return page.render("sign-in", title: page.t("sign_in_title"), status: status, data)
    }

    func signIn(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let next = Self.safeNext(form["next"])
        do {
            let pair = try await tokens.signIn(username: username, password: form["password"] ?? "")
            var response = page.redirect(next)
            for cookie in WebSession.sessionCookies(pair, request: page.request) { response.setCookie(cookie) }
            return response
        } catch IdentityError.locked(_) {
            return signInForm(page, message: page.t("sign_in_locked"), username: username, status: 429)
        } catch {
            return signInForm(page, message: page.t("sign_in_failed"), username: username, status: 401)
        }
    }

    func signOut(_ page: PageRequest) async throws -> Response {
        _ = try await page.form()
        try? await tokens.signOut(refreshToken: page.request.cookies[WebSession.refreshCookie]?.value,
                                  accessToken: page.request.cookies[WebSession.accessCookie]?.value)
        var response = page.redirect("/sign-in")
        for cookie in WebSession.clearedCookies(request: page.request) { response.setCookie(cookie) }
        return response
    }

    /// Only a local path may follow sign-in (no open redirect to another site).
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\") else { return "/" }
        return next
    }

    func home(_ page: PageRequest) async throws -> Response {
        guard let principal = page.principal else { return page.redirect("/sign-in") }
        if principal.accountRole == .citizen { return page.redirect("/me") }
        let links = page.navigation(principal).dropFirst().map { ["href": $0.href, "label": page.t($0.key)] }
        return page.render("home", title: page.t("home"), ["links": Array(links), "has_links": !links.isEmpty, "nothing": links.isEmpty])
    }
}
