import FHIRStore
import Foundation
import Hummingbird
import Identity

/// One page request: who asks, in which language, and the means to answer with a rendered page.
struct PageRequest: Sendable {
    let request: Request
    let principal: AccessToken?
    let formToken: String
    let language: Language
    let app: WebApp
    /// The person a posted form is about (`patient` field), when a page needs it before reading the form again.
    var formPatient: String? = nil
    /// The route's path parameters (`/plans/:id` → `id`).
    var parameters: [String: String] = [:]

    /// A path parameter of the route; empty when the route has none of that name.
    func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// The language: `?lang=` first (the switcher's links), then the cookie, then the browser's preference, then Russian.
    static func language(_ request: Request) -> Language {
        if let chosen = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) { return chosen }
        if let kept = request.cookies[WebSession.languageCookie].flatMap({ Language(rawValue: $0.value) }) { return kept }
        return Language.preferred(request.headers[.acceptLanguage]) ?? .ru
    }

    func t(_ key: String, _ values: [String: String] = [:]) -> String { app.translations.text(key, language, values) }

    /// Refuses the page unless the signed-in account has one of `roles`.
    func require(_ roles: Set<Role>) throws -> AccessToken {
        guard let principal, let role = principal.accountRole, roles.contains(role) else { throw PageRefusal(status: 403, messageKey: "forbidden") }
        return principal
    }

    /// The posted form, checked for the session's form token; the first value of each field.
    func form() async throws -> [String: String] {
        var form: [String: String] = [:]
        for (k, v) in try await formFields() where form[k] == nil { form[k] = v }
        return form
    }

    /// Every field of the posted form in order, repeated names included (checkboxes), checked for the form token.
    func formFields() async throws -> [(name: String, value: String)] {
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true,
              let buffer = try? await request.body.collect(upTo: 64 * 1024) else { throw PageRefusal(status: 400, messageKey: "form_expired") }
        let fields = SearchRequest.parseQuery(String(buffer: buffer), formEncoded: true).map { (name: $0.0, value: $0.1) }
        let token = fields.first { $0.name == "form_token" }.map { ["form_token": $0.value] } ?? [:]
        guard WebSession.formIsGenuine(token, request: request) else { throw PageRefusal(status: 403, messageKey: "form_expired") }
        return fields
    }

    func query(_ name: String) -> String? {
        request.uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }

    func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// Renders `template` inside the layout. `data` is the page's own content; the layout's (texts, language
    /// switcher, navigation, the signed-in person, the form token) is added here.
    func render(_ template: String, title: String, status: Int = 200, _ data: [String: Any]) -> Response {
        var context = data
        context["t"] = app.translations.table(language)
        context["title"] = title
        context["lang"] = language.rawValue
        context["form_token"] = formToken
        let path = request.uri.path
        context["languages"] = Language.allCases.map { l -> [String: Any] in
            ["code": l.rawValue, "name": l.name, "current": l == language, "href": path + "?lang=" + l.rawValue]
        }
        if let principal {
            context["user"] = ["name": principal.name ?? principal.sub.value, "role": t("role_" + principal.role)]
            context["has_nav"] = true
            let items = navigation(principal)
            // The current section: the longest link the path is under.
            let current = items.filter { path == $0.href || path.hasPrefix($0.href == "/" ? "/" : $0.href + "/") }.max { $0.href.count < $1.href.count }
            context["nav"] = items.map { item -> [String: Any] in
                ["href": item.href, "label": t(item.key), "current": item.href == current?.href]
            }
        }
        let html = app.templates.render(context, withTemplate: template) ?? "template \(template) is missing"
        return Response(status: HTTPResponse.Status(code: status), headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The sections the account's role may open.
    func navigation(_ principal: AccessToken) -> [(href: String, key: String)] {
        var items: [(String, String)] = [("/", "home")]
        switch principal.accountRole {
        case .citizen: items += [("/me", "nav_me"), ("/me/record", "nav_record"), ("/me/access", "nav_access")]
        case .clinician: items += [("/clinic", "nav_clinic"), ("/clinic/patients", "nav_patients")]
        case .organizationAdmin: items += [("/admin/staff", "nav_staff"), ("/admin/areas", "nav_areas"), ("/admin/schedules", "nav_schedules"), ("/admin/attachments", "nav_attachments")]
        case .epidemiologist: items += [("/surveillance", "nav_surveillance"), ("/surveillance/journal", "nav_journal"), ("/surveillance/notify", "nav_notify")]
        case .systemAdmin: items += [("/surveillance", "nav_surveillance"), ("/surveillance/journal", "nav_journal"), ("/surveillance/notify", "nav_notify"), ("/plans", "nav_plans")]
        case .analyst, .planExecutor: items += [("/plans", "nav_plans")]
        default: break
        }
        return items
    }
}
