import Audit
import FHIRStore
import HTTPTypes
import Hummingbird
import Identity

/// What the audit trail says about one FHIR request.
enum AuditRecord {
    /// The header with a clinician's break-the-glass reason.
    static let accessReason = HTTPField.Name("X-Access-Reason")!
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// `203.0.113.7`, or `198.51.100.2 via 10.0.0.5` behind a proxy (the forwarded address is what the proxy says).
    static func source(forwarded: String?, peer: String?) -> String? {
        guard let forwarded else { return peer }
        return peer.map { "\(forwarded) via \($0)" } ?? forwarded
    }
    /// - Parameter peer: the connected client's address; a proxy's `X-Forwarded-For` is kept next to it.
    static func entry(request: Request, path: String, principal: AccessToken?, status: Int, peer: String?) -> AuditEntry {
        let parts = path.split(separator: "/").map(String.init)
        let query = request.uri.query.map { "?" + $0 } ?? ""
        let action: String
        switch (request.method, parts.count) {
        case (_, _) where parts.last?.hasPrefix("$") == true: action = parts.last ?? ""
        case (.get, 1) where parts[0] == "_history", (.get, 2) where parts[1] == "_history", (.get, 3) where parts[2] == "_history": action = "history"
        case (.get, 4): action = "vread"
        case (.get, 2), (.head, 2): action = "read"
        case (.get, 1): action = "search"
        case (.post, 2) where parts[1] == "_search": action = "search"
        case (.post, 0): action = "transaction"
        case (.post, 1): action = "create"
        case (.put, _), (.patch, _): action = "update"
        case (.delete, _): action = "delete"
        default: action = request.method.rawValue.lowercased()
        }
        return AuditEntry(recorded: Instant.now().iso, actor: principal?.sub.value ?? "anonymous", role: principal?.role,
                          organization: principal?.org, patient: patient(parts: parts, query: request.uri.query), action: action,
                          target: path + query, outcome: status,
                          source: source(forwarded: request.headers[forwardedFor], peer: peer), purpose: request.headers[accessReason])
    }

    /// The patient whose record the request names: `Patient/{id}…`, or a `patient`/`subject` search parameter.
    static func patient(parts: [String], query: String?) -> String? {
        if parts.first == "Patient", parts.count >= 2, parts[1] != "_search", parts[1] != "_history" { return parts[1] }
        for (name, value) in SearchRequest.parseQuery(query ?? "") where name == "patient" || name == "subject" || name == "subject:Patient" {
            let id = value.hasPrefix("Patient/") ? String(value.dropFirst(8)) : value
            if ReferenceParser.isId(id) { return id }
        }
        return nil
    }
}
