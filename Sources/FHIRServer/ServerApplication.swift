import AccessControl
import Audit
import FHIRStore
import HTTPTypes
import Identity
import Hummingbird
import Logging

/// Builds the HTTP application: the FHIR API and the plain endpoints around it.
public enum ServerApplication {
    /// - Parameters:
    ///   - tokens, audit, requireAuthentication: see `FHIRAPI`; without `tokens` the API is open (tests, tools).
    ///   - configure: adds the routes of other modules (sign-in, …) next to the FHIR API.
    public static func router(repository: Repository, maxBodySize: Int = 32 * 1024 * 1024, publicBaseURL: String? = nil,
                              tokens: TokenService? = nil, audit: AuditLog? = nil, requireAuthentication: Bool = true,
                              rateLimiter: RateLimiter? = nil, operations: [FHIROperation] = [],
                              configure: (Router<ServerRequestContext>) -> Void = { _ in }) -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        router.addMiddleware { SecurityHeadersMiddleware() }
        if let rateLimiter, rateLimiter.rate > 0 { router.addMiddleware { RateLimitMiddleware(limiter: rateLimiter) } }
        router.get("/health") { _, _ in "ok" }
        FHIRAPI(repository: repository, maxBodySize: maxBodySize, publicBaseURL: publicBaseURL, tokens: tokens, audit: audit,
                requireAuthentication: requireAuthentication, operations: operations).addRoutes(to: router)
        if let tokens, let audit {
            AccessLogAPI(repository: repository, tokens: tokens, audit: audit, policy: AccessPolicy()).addRoutes(to: router)
        }
        configure(router)
        return router
    }

    public static func make(repository: Repository, host: String, port: Int, logger: Logger, publicBaseURL: String? = nil,
                            tokens: TokenService? = nil, audit: AuditLog? = nil, requireAuthentication: Bool = true,
                            rateLimiter: RateLimiter? = nil, operations: [FHIROperation] = [],
                            configure: (Router<ServerRequestContext>) -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(repository: repository, publicBaseURL: publicBaseURL, tokens: tokens, audit: audit,
                                   requireAuthentication: requireAuthentication, rateLimiter: rateLimiter, operations: operations, configure: configure),
                    configuration: .init(address: .hostname(host, port: port), serverName: "Densauluq"),
                    logger: logger)
    }
}

/// Headers every response carries.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[.cacheControl] = response.headers[.cacheControl] ?? "no-store"
        response.headers[.contentSecurityPolicy] = response.headers[.contentSecurityPolicy] ?? "default-src 'self'; frame-ancestors 'none'"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }
}
