import Audit
import FHIRStore
import Foundation
import Hummingbird
import Identity
import Mustache
import StatePlans
import Terminology

/// The web application served next to the FHIR API by `densauluq serve`: server-rendered pages (Mustache
/// templates in `Resources/templates`), every asset local, Russian, Kazakh and English, no JavaScript needed.
///
/// Pages sign people in with the same accounts and tokens as the API (`TokenService`), kept in HttpOnly cookies,
/// and call the same services as the FHIR operations, so a page can do nothing the API would refuse.
public struct WebApp: Sendable {
    let repository: Repository
    let tokens: TokenService
    let audit: AuditLog?
    let templates: MustacheLibrary
    let translations: Translations
    let stylesheet: ByteBuffer
    /// The diagnoses a clinician picks from.
    let icd10: ICD10Catalog
    /// The state plans of the seeds.
    let plans: PlanLibrary

    /// Loads the templates, translations and assets bundled with the module.
    /// - Throws: `WebAppError` when a resource is missing or does not parse.
    public static func load(repository: Repository, tokens: TokenService, audit: AuditLog?) async throws -> WebApp {
        guard let root = Bundle.module.url(forResource: "Resources", withExtension: nil) else { throw WebAppError.resourceMissing("Resources") }
        let templates: MustacheLibrary
        do { templates = try await MustacheLibrary(directory: root.appendingPathComponent("templates").path) } catch {
            throw WebAppError.badTemplate("\(error)")
        }
        // The library reads an absent directory as empty; a page must not find out at run time.
        for page in ["layout", "message", "sign-in", "home", "surveillance", "surveillance-series", "surveillance-notify", "surveillance-journal",
                     "me", "me-people", "me-book", "me-record", "me-access", "me-attach", "clinic", "clinic-patients", "clinic-patient", "clinic-visit",
                     "admin-staff", "admin-areas", "admin-schedules", "admin-attachments", "plans", "plan"]
        where templates.getTemplate(named: page) == nil {
            throw WebAppError.resourceMissing("templates/\(page).mustache")
        }
        let translations = try Translations(directory: root.appendingPathComponent("i18n"))
        let cssURL = root.appendingPathComponent("static/site.css")
        guard let css = try? Data(contentsOf: cssURL) else { throw WebAppError.resourceMissing(cssURL.path) }
        let icd10: ICD10Catalog
        do { icd10 = try ICD10Catalog.shipped() } catch { throw WebAppError.resourceMissing("Terminology: \(error)") }
        let plans: PlanLibrary
        do { plans = try PlanLibrary.shipped() } catch { throw WebAppError.resourceMissing("StatePlans: \(error)") }
        return WebApp(repository: repository, tokens: tokens, audit: audit, templates: templates, translations: translations,
                      stylesheet: ByteBuffer(bytes: css), icd10: icd10, plans: plans)
    }

    /// Adds the pages: `/`, `/sign-in`, `/sign-out`, `/assets/…` and each capability's pages.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let app = self
        router.get("/") { request, _ in await app.handle(request) { page in try await app.home(page) } }
        router.get("/sign-in") { request, _ in await app.handle(request, public: true) { page in app.signInForm(page, message: nil) } }
        router.post("/sign-in") { request, _ in await app.handle(request, public: true) { page in try await app.signIn(page) } }
        router.post("/sign-out") { request, _ in await app.handle(request) { page in try await app.signOut(page) } }
        router.get("/assets/site.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                     body: .init(byteBuffer: app.stylesheet))
        }
        EpidemiologyPages(app: self).addRoutes(to: router)
        CitizenPages(app: self).addRoutes(to: router)
        ClinicPages(app: self).addRoutes(to: router)
        AdministrationPages(app: self).addRoutes(to: router)
        PlanPages(app: self).addRoutes(to: router)
    }

    /// Runs a page handler with the request's session and language; sends people who are not signed in to the
    /// sign-in page, and turns a refusal into a page that says why.
    /// `context`: the route's, whose path parameters the page reads with `parameter(_:)`.
    func handle(_ request: Request, _ context: (some RequestContext)? = nil as BasicRequestContext?, public isPublic: Bool = false,
                _ body: (PageRequest) async throws -> Response) async -> Response {
        let session = await WebSession(tokens: tokens).resolve(request)
        let language = PageRequest.language(request)
        var page = PageRequest(request: request, principal: session.principal, formToken: session.formToken, language: language, app: self)
        if let context { page.parameters = Dictionary(context.parameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { a, _ in a }) }
        var response: Response
        if session.principal == nil && !isPublic {
            response = page.redirect("/sign-in?next=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "/-_"))) ?? "/"))
        } else {
            do { response = try await body(page) } catch let refusal as PageRefusal {
                response = page.render("message", title: translations.text("error_title", language), status: refusal.status,
                                       ["message": translations.text(refusal.messageKey, language)])
            } catch {
                response = page.render("message", title: translations.text("error_title", language), status: 500, ["message": "\(error)"])
            }
        }
        for cookie in session.cookies { response.setCookie(cookie) }
        if let chosen = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) {
            response.setCookie(WebSession.cookie(WebSession.languageCookie, chosen.rawValue, request: request, maxAge: 365 * 24 * 3600, httpOnly: false))
        }
        return response
    }
}

/// A page refused for a reason the person should read (a translation key), with its HTTP status.
struct PageRefusal: Error {
    var status: Int
    var messageKey: String
}
