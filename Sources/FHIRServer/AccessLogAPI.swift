import AccessControl
import Audit
import FHIRJSON
import FHIRStore
import Hummingbird
import Identity

/// The audit trail for the people it protects, as FHIR Bundles of AuditEvent:
///
/// - `GET /audit/my-record`: a citizen's "who accessed my record" — every access to their own record and to the
///   records of the children and wards they represent (the same patients the access rules give them).
/// - `GET /audit/break-glass`: break-the-glass accesses with their stated reasons; an organisation administrator
///   sees those of their organisation's staff, the system administrator all of them.
struct AccessLogAPI: Sendable {
    let repository: Repository
    let tokens: TokenService
    let audit: AuditLog
    let policy: AccessPolicy

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let api = self
        router.get("/audit/my-record") { request, _ in await api.respond(request) { try await api.myRecord($0, request) } }
        router.get("/audit/break-glass") { request, _ in await api.respond(request) { try await api.breakGlass($0) } }
    }

    func respond(_ request: Request, _ body: (AccessToken) async throws -> [AuditEntry]) async -> Response {
        do {
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
                return FHIRAPI.unauthorized("This page needs a bearer access token: sign in at /auth/token")
            }
            let token: AccessToken
            do { token = try await tokens.verify(String(header.dropFirst(7))) } catch {
                return FHIRAPI.unauthorized((error as? IdentityError)?.description ?? "The access token is not valid", invalidToken: true)
            }
            let entries = try await body(token)
            var bundle = JSONObject()
            bundle["resourceType"] = "Bundle"
            bundle["type"] = "searchset"
            bundle["total"] = .number(String(entries.count))
            if !entries.isEmpty { bundle["entry"] = .array(entries.map { ["resource": $0.auditEvent()] }) }
            return FHIRResponse.json(.object(bundle))
        } catch let error as FHIRError {
            return FHIRResponse.error(error)
        } catch {
            repository.logger.error("audit view failed", metadata: ["error": "\(String(reflecting: error))"])
            return FHIRResponse.error(FHIRError(500, "exception", "Internal error"))
        }
    }

    func myRecord(_ token: AccessToken, _ request: Request) async throws -> [AuditEntry] {
        guard token.accountRole == .citizen else {
            throw FHIRError(403, "forbidden", "Access denied: /audit/my-record is a citizen's view of their own record")
        }
        // The citizen's patients are exactly what their scope lets them read.
        let scope = try policy.scope(for: token, accessReason: nil)
        let bundle = try await AccessScope.$current.withValue(scope) {
            try await repository.search(type: "Patient", parameters: [("_elements", "id"), ("_count", "100")], baseURL: "")
        }
        let patients = (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["id"]?.stringValue }
        return try await audit.entries(patients: patients, limit: 500)
    }

    func breakGlass(_ token: AccessToken) async throws -> [AuditEntry] {
        switch token.accountRole {
        case .organizationAdmin:
            guard let org = token.org else { throw FHIRError(403, "forbidden", "The administrator account has no organisation") }
            return try await audit.breakGlassEntries(organization: org, limit: 500)
        case .systemAdmin:
            return try await audit.breakGlassEntries(organization: nil, limit: 500)
        default:
            throw FHIRError(403, "forbidden", "Access denied: break-the-glass reports are for organisation and system administrators")
        }
    }
}
