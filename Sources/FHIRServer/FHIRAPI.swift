import FHIRJSON
import FHIRStore
import Foundation
import HTTPTypes
import AccessControl
import Audit
import Hummingbird
import Identity
import Logging

/// The FHIR REST API mounted under a base path (default `/fhir`): every interaction of the spec's RESTful API
/// that the store implements, with OperationOutcome errors.
public struct FHIRAPI: Sendable {
    public let repository: Repository
    public let basePath: String
    /// Largest accepted request body in bytes; larger is 413.
    public let maxBodySize: Int
    /// Fixed public base URL; when nil it is made from the request's Host header.
    public let publicBaseURL: String?
    /// Verifies bearer tokens; nil serves without authentication (embedding in tests and tools).
    public let tokens: TokenService?
    /// When set, every request under the base except `metadata` is recorded.
    public let audit: AuditLog?
    /// Refuse requests without a bearer token (401). Only meaningful with `tokens`.
    public let requireAuthentication: Bool
    /// Turns a verified token into what the request may read and write.
    public let policy: AccessPolicy
    /// The `$operations`: the specification's that the core implements (`CoreOperations`), then those of
    /// capability modules.
    public let operations: [FHIROperation]
    private let capabilities: CapabilityCache

    public init(repository: Repository, basePath: String = "/fhir", maxBodySize: Int = 32 * 1024 * 1024, publicBaseURL: String? = nil,
                tokens: TokenService? = nil, audit: AuditLog? = nil, requireAuthentication: Bool = true, policy: AccessPolicy = AccessPolicy(),
                operations: [FHIROperation] = []) {
        self.repository = repository
        self.basePath = basePath
        self.maxBodySize = maxBodySize
        self.publicBaseURL = publicBaseURL
        self.tokens = tokens
        self.audit = audit
        self.requireAuthentication = requireAuthentication
        self.policy = policy
        self.operations = CoreOperations.make(repository) + operations
        capabilities = CapabilityCache(operations: self.operations)
    }

    /// Registers the routes on `router`.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let api = self
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch, .head] {
            router.on(RouterPath(basePath), method: method) { request, context in await api.handle(request, peer: Self.peer(context)) }
            router.on(RouterPath(basePath + "/**"), method: method) { request, context in await api.handle(request, peer: Self.peer(context)) }
        }
    }

    func baseURL(_ request: Request) -> String {
        if let publicBaseURL { return publicBaseURL }
        let host = request.head.authority ?? "localhost"
        return "http://\(host)\(basePath)"
    }

    /// The peer's IP address, when the context knows it.
    static func peer(_ context: some RequestContext) -> String? {
        (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress
    }

    /// Authenticates, dispatches and audits one request.
    /// - Parameter peer: the client's IP address, for the audit trail.
    public func handle(_ request: Request, peer: String? = nil) async -> Response {
        let path = request.uri.path.dropFirst(basePath.count)
        let isMetadata = path == "/metadata" || path == "/metadata/"
        var principal: AccessToken?
        if let tokens, !isMetadata {
            var refusal: Response?
            if let header = request.headers[.authorization] {
                if !header.hasPrefix("Bearer ") {
                    refusal = Self.unauthorized("The Authorization header must be 'Bearer <access token>'")
                } else {
                    do { principal = try await tokens.verify(String(header.dropFirst(7))) } catch {
                        refusal = Self.unauthorized((error as? IdentityError)?.description ?? "The access token is not valid", invalidToken: true)
                    }
                }
            } else if requireAuthentication {
                refusal = Self.unauthorized("This server needs a bearer access token: sign in at /auth/token")
            }
            if let refusal {
                // Refused attempts are part of the trail too: they are what an intrusion looks like.
                audit?.record(AuditRecord.entry(request: request, path: String(path), principal: nil, status: refusal.status.code, peer: peer))
                return refusal
            }
        }
        // Without a token (no authentication configured, or --allow-anonymous in development) nothing is limited.
        var scope = AccessScope.unrestricted
        if let principal {
            do { scope = try policy.scope(for: principal, accessReason: request.headers[AuditRecord.accessReason]) } catch {
                let response = FHIRResponse.error(error)
                audit?.record(AuditRecord.entry(request: request, path: String(path), principal: principal, status: response.status.code, peer: peer))
                return response
            }
        }
        let trace = AccessTrace()
        let response = await AccessScope.$current.withValue(scope) {
            await AccessTrace.$current.withValue(trace) { await dispatch(request, principal: principal) }
        }
        if let audit, !isMetadata {
            // One entry per patient whose record was read or written, so that each patient's trail is complete.
            let entry = AuditRecord.entry(request: request, path: String(path), principal: principal, status: response.status.code, peer: peer)
            let patients = trace.patients
            if patients.isEmpty {
                audit.record(entry)
            } else {
                for patient in patients {
                    var e = entry
                    e.patient = patient
                    audit.record(e)
                }
            }
        }
        return response
    }

    /// 401 with the `WWW-Authenticate` challenge of RFC 6750.
    static func unauthorized(_ message: String, invalidToken: Bool = false) -> Response {
        var response = FHIRResponse.error(FHIRError(401, "login", message))
        response.headers[.wwwAuthenticate] = invalidToken ? "Bearer realm=\"densauluq\", error=\"invalid_token\"" : "Bearer realm=\"densauluq\""
        return response
    }

    /// Dispatches one request and turns every error into an OperationOutcome.
    func dispatch(_ request: Request, principal: AccessToken? = nil) async -> Response {
        var request = request
        let query = request.uri.query ?? ""
        var parameters = SearchRequest.parseQuery(query)
        let pretty = parameters.contains { $0.0 == "_pretty" && $0.1 == "true" }
        if let format = parameters.first(where: { $0.0 == "_format" })?.1, !format.contains("json") {
            return FHIRResponse.error(FHIRError(406, "not-supported", "Only JSON is supported (_format=\(format))"), pretty: pretty)
        }
        do {
            let path = String(request.uri.path.dropFirst(basePath.count))
            let parts = path.split(separator: "/").map(String.init)
            let base = baseURL(request)
            let body: [UInt8]
            if request.method == .post || request.method == .put || request.method == .patch {
                let buffer: ByteBuffer
                do { buffer = try await request.collectBody(upTo: maxBodySize) } catch {
                    throw FHIRError(413, "too-costly", "The request body is larger than the limit of \(maxBodySize) bytes")
                }
                body = Array(buffer.readableBytesView)
            } else {
                body = []
            }
            if parts.last == "$export" {
                return try await BulkExportAPI.kickOff(repository, parts: parts, request: request, query: parameters, principal: principal, base: base, audit: audit)
            }
            if parts.first == "_export" {
                return try await BulkExportAPI.job(repository, parts: parts, request: request, principal: principal, base: base)
            }
            if let name = parts.last, name.hasPrefix("$") {
                return try await invoke(String(name.dropFirst()), parts: parts, request: request, body: body, query: parameters,
                                        principal: principal, base: base, pretty: pretty)
            }
            switch (request.method, parts.count) {
            case (.get, 0):
                throw FHIRError(400, "invalid", "Name a resource type, /metadata or /_history")
            case (.get, 1) where parts[0] == "metadata", (.head, 1) where parts[0] == "metadata":
                return metadata(base: base, pretty: pretty)
            case (.get, 1) where parts[0] == "_history":
                return FHIRResponse.json(try await repository.history(type: nil, id: nil, parameters: parameters, baseURL: base), pretty: pretty)
            case (.post, 0):
                let bundle = try parse(body)
                return FHIRResponse.json(try await repository.process(bundle: bundle, baseURL: base), pretty: pretty)
            case (.get, 1):
                return FHIRResponse.json(try await repository.search(type: parts[0], parameters: parameters, baseURL: base, strict: strictHandling(request), verbatim: true), pretty: pretty)
            case (.post, 2) where parts[1] == "_search":
                let contentType = request.headers[.contentType] ?? ""
                if !body.isEmpty {
                    guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
                        throw FHIRError(415, "not-supported", "POST _search takes application/x-www-form-urlencoded parameters")
                    }
                    parameters += SearchRequest.parseQuery(String(decoding: body, as: UTF8.self), formEncoded: true)
                }
                return FHIRResponse.json(try await repository.search(type: parts[0], parameters: parameters, baseURL: base, strict: strictHandling(request), verbatim: true), pretty: pretty)
            case (.get, 2) where parts[1] == "_history":
                return FHIRResponse.json(try await repository.history(type: parts[0], id: nil, parameters: parameters, baseURL: base), pretty: pretty)
            case (.get, 2) where !pretty && request.headers[.ifNoneMatch] == nil && request.headers[.ifModifiedSince] == nil:
                // The common read: the stored text goes out as it is, without parsing and re-serialising it.
                return FHIRResponse.stored(try await repository.readText(type: parts[0], id: parts[1]))
            case (.get, 2), (.head, 2):
                let r = try await repository.read(type: parts[0], id: parts[1])
                if ConditionalRead.notModified(ifNoneMatch: request.headers[.ifNoneMatch], ifModifiedSince: request.headers[.ifModifiedSince], r) {
                    return Response(status: .notModified, headers: FHIRResponse.versionHeaders(r, baseURL: base, location: false))
                }
                return FHIRResponse.json(r.json, pretty: pretty, headers: FHIRResponse.versionHeaders(r, baseURL: base, location: false))
            case (.get, 3) where parts[2] == "_history":
                return FHIRResponse.json(try await repository.history(type: parts[0], id: parts[1], parameters: parameters, baseURL: base), pretty: pretty)
            case (.get, 3) where parts[0] == "Patient":
                // Compartment search: `Patient/[id]/Observation?code=…` is the search restricted to the patient's record.
                return FHIRResponse.json(try await repository.search(type: parts[2], parameters: parameters, baseURL: base, strict: strictHandling(request),
                                                                     verbatim: true, compartment: parts[1]), pretty: pretty)
            case (.get, 3):
                throw FHIRError(404, "not-supported", "Compartment search is supported for the Patient compartment only (Patient/[id]/\(parts[2]))")
            case (.get, 4) where parts[2] == "_history":
                let r = try await repository.vread(type: parts[0], id: parts[1], version: parts[3])
                return FHIRResponse.json(r.json, pretty: pretty, headers: FHIRResponse.versionHeaders(r, baseURL: base, location: false))
            case (.post, 1):
                let resource = try parse(body)
                let outcome = try await repository.create(type: parts[0], resource: resource, ifNoneExist: request.headers[.ifNoneExist])
                return written(outcome, request: request, base: base, pretty: pretty, status: outcome.unchanged ? .ok : .created)
            case (.put, 1):
                guard !query.isEmpty else { throw FHIRError(405, "not-supported", "PUT needs an id (\(parts[0])/[id]) or search criteria") }
                let resource = try parse(body)
                let outcome = try await repository.conditionalUpdate(type: parts[0], criteria: query, resource: resource)
                return written(outcome, request: request, base: base, pretty: pretty, status: outcome.created ? .created : .ok)
            case (.put, 2):
                let resource = try parse(body)
                let outcome = try await repository.update(type: parts[0], id: parts[1], resource: resource, ifMatch: request.headers[.ifMatch])
                return written(outcome, request: request, base: base, pretty: pretty, status: outcome.created ? .created : .ok)
            case (.delete, 1):
                guard !query.isEmpty else { throw FHIRError(405, "not-supported", "DELETE needs an id or search criteria") }
                let n = try await repository.conditionalDelete(type: parts[0], criteria: query)
                return FHIRResponse.json(OperationOutcome.information("Deleted \(n) \(parts[0]) resource(s)"), pretty: pretty)
            case (.delete, 2):
                try await repository.delete(type: parts[0], id: parts[1])
                return Response(status: .noContent)
            case (.patch, 1), (.patch, 2):
                guard (request.headers[.contentType] ?? "").hasPrefix("application/json-patch+json") else {
                    throw FHIRError(415, "not-supported", "PATCH takes a JSON Patch (Content-Type: application/json-patch+json); FHIRPath Patch is not supported")
                }
                let document = try parse(body)
                let outcome: WriteOutcome
                if parts.count == 2 {
                    outcome = try await repository.patch(type: parts[0], id: parts[1], patch: document, ifMatch: request.headers[.ifMatch])
                } else {
                    guard !query.isEmpty else { throw FHIRError(405, "not-supported", "PATCH needs an id ([type]/[id]) or search criteria ([type]?…)") }
                    outcome = try await repository.conditionalPatch(type: parts[0], criteria: query, patch: document, ifMatch: request.headers[.ifMatch])
                }
                return written(outcome, request: request, base: base, pretty: pretty, status: .ok)
            case (.patch, _):
                throw FHIRError(405, "not-supported", "PATCH needs the resource: [type]/[id] or [type]?criteria")
            default:
                throw FHIRError(404, "not-found", "No FHIR interaction at \(request.method) \(request.uri.path)")
            }
        } catch let error as FHIRError {
            return FHIRResponse.error(error, pretty: pretty)
        } catch {
            repository.logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            return FHIRResponse.error(FHIRError(500, "exception", "Internal error: \(error)"), pretty: pretty)
        }
    }

    /// Runs the `$operation` at `parts` (`[$name]`, `[Type, $name]` or `[Type, id, $name]`).
    func invoke(_ name: String, parts: [String], request: Request, body: [UInt8], query: [(String, String)],
                principal: AccessToken?, base: String, pretty: Bool) async throws -> Response {
        let level: FHIROperation.Level
        switch parts.count {
        case 1: level = .system
        case 2: level = .type(parts[0])
        case 3: level = .instance(parts[0])
        default: throw FHIRError(404, "not-found", "No operation at \(request.uri.path)")
        }
        guard let operation = operations.first(where: { $0.name == name && $0.level == level }) else {
            throw FHIRError(404, "not-supported", "There is no operation $\(name) at \(request.uri.path); /metadata lists the operations")
        }
        if let type = operation.resourceType { try repository.checkType(type) }
        let parameters: OperationParameters
        switch request.method {
        case .post:
            parameters = body.isEmpty ? OperationParameters(query: query) : try OperationParameters(resource: try parse(body))
        case .get where !operation.affectsState:
            parameters = OperationParameters(query: query)
        default:
            throw FHIRError(405, "not-supported", "$\(name) changes data: invoke it with POST")
        }
        let id = parts.count == 3 ? parts[1] : nil
        let result = try await operation.run(OperationCall(id: id, parameters: parameters, principal: principal, baseURL: base, query: query))
        return FHIRResponse.json(result.resource, status: HTTPResponse.Status(code: result.status), pretty: pretty)
    }

    /// `GET /metadata`, from the per-base-URL cache.
    private func metadata(base: String, pretty: Bool) -> Response {
        let statement = capabilities.statement(baseURL: base)
        return pretty ? FHIRResponse.json(statement.json, pretty: true) : FHIRResponse.bytes(statement.bytes)
    }

    private func parse(_ body: [UInt8]) throws(FHIRError) -> JSON {
        guard !body.isEmpty else { throw FHIRError(400, "required", "The request has no body") }
        do { return try JSONParser.parse(body) } catch {
            throw FHIRError(400, "structure", "The body is not valid JSON: \(error.description)")
        }
    }

    /// `Prefer: handling=strict` turns unknown search parameters into errors; the default is lenient.
    func strictHandling(_ request: Request) -> Bool {
        (request.headers[.prefer] ?? "").contains("handling=strict")
    }

    /// Response of a create/update, honouring `Prefer: return=minimal|representation|OperationOutcome`.
    private func written(_ outcome: WriteOutcome, request: Request, base: String, pretty: Bool, status: HTTPResponse.Status) -> Response {
        let headers = FHIRResponse.versionHeaders(outcome.resource, baseURL: base, location: true)
        let prefer = request.headers[.prefer] ?? "return=representation"
        if prefer.contains("return=minimal") { return Response(status: status, headers: headers) }
        if prefer.contains("return=OperationOutcome") {
            return FHIRResponse.json(OperationOutcome.information(outcome.unchanged ? "Nothing changed" : "Stored \(outcome.resource.versionedReference)"), status: status, pretty: pretty, headers: headers)
        }
        return FHIRResponse.json(outcome.resource.json, status: status, pretty: pretty, headers: headers)
    }
}
