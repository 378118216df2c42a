import Audit
import FHIRJSON
import FHIRStore
import HTTPTypes
import Hummingbird
import Identity

/// FHIR Bulk Data export over HTTP (the asynchronous request pattern of the Bulk Data Access specification):
///
/// - `GET [base]/$export` and `GET [base]/Patient/$export` with `Prefer: respond-async` (`_type`, `_since`,
///   `_outputFormat`) → 202 with `Content-Location` of the job;
/// - `GET [base]/_export/[job]` → 202 with `X-Progress` while it runs, then 200 with the manifest;
/// - `GET [base]/_export/[job]/[Type].ndjson` → the file, streamed; `DELETE [base]/_export/[job]` → 202.
///
/// Only the requester sees a job (by token subject); the export itself runs in their access scope.
enum BulkExportAPI {
    static let progress = HTTPField.Name("X-Progress")!
    static let retryAfter = HTTPField.Name("Retry-After")!

    static func owner(_ principal: AccessToken?) -> String { principal?.sub.value ?? "anonymous" }

    /// The kick-off request at `parts` (`[$export]` or `[Patient, $export]`).
    static func kickOff(_ repository: Repository, parts: [String], request: Request, query: [(String, String)],
                        principal: AccessToken?, base: String, audit: AuditLog?) async throws -> Response {
        let level: BulkExport.Level
        switch parts {
        case ["$export"]: level = .system
        case ["Patient", "$export"]: level = .patient
        default: throw FHIRError(404, "not-supported", "Bulk export is offered at [base]/$export and [base]/Patient/$export")
        }
        guard request.method == .get else { throw FHIRError(405, "not-supported", "Start an export with GET") }
        guard (request.headers[.prefer] ?? "").contains("respond-async") else {
            throw FHIRError(400, "invalid", "An export is asynchronous: send the header Prefer: respond-async")
        }
        let export = BulkExport(repository: repository)
        let url = base + "/" + parts.joined(separator: "/") + (request.uri.query.map { "?" + $0 } ?? "")
        let checked = try export.request(level: level, parameters: query, owner: owner(principal), url: url)
        // Each patient whose record the job carries away gets an `export` entry in their trail.
        let template = AuditRecord.entry(request: request, path: "/" + parts.joined(separator: "/"), principal: principal, status: 200, peer: nil)
        let id = try await export.start(checked, exported: audit.map { log in
            { @Sendable patients in
                log.record(contentsOf: patients.map { patient in
                    var entry = template
                    entry.patient = patient
                    entry.action = "export"
                    entry.recorded = Instant.now().iso
                    return entry
                })
            }
        })
        var headers = HTTPFields()
        headers[.contentLocation] = "\(base)/_export/\(id)"
        return FHIRResponse.json(OperationOutcome.information("Export \(id) started: poll \(base)/_export/\(id)"), status: .accepted, headers: headers)
    }

    /// Status, files and deletion at `parts` = `[_export, job]` or `[_export, job, Type.ndjson]`.
    static func job(_ repository: Repository, parts: [String], request: Request, principal: AccessToken?, base: String) async throws -> Response {
        let export = BulkExport(repository: repository)
        let who = owner(principal)
        switch (request.method, parts.count) {
        case (.get, 2):
            switch try await export.status(parts[1], owner: who, baseURL: base) {
            case .running(let done, let total):
                return Response(status: .accepted, headers: [progress: "\(done) of \(total) types", retryAfter: "1"])
            case .complete(let manifest):
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: manifest.serializedBytes(pretty: false))))
            case .failed(let message):
                throw FHIRError(500, "exception", "Export \(parts[1]) failed: \(message)")
            }
        case (.delete, 2):
            try await export.delete(parts[1], owner: who)
            return Response(status: .accepted)
        case (.get, 3) where parts[2].hasSuffix(".ndjson"):
            let type = String(parts[2].dropLast(".ndjson".count))
            let stream = try await export.parts(parts[1], owner: who, type: type)
            return Response(status: .ok, headers: [.contentType: "application/fhir+ndjson"], body: ResponseBody { writer in
                for try await part in stream { try await writer.write(ByteBuffer(string: part)) }
                try await writer.finish(nil)
            })
        default:
            throw FHIRError(404, "not-found", "No export interaction at \(request.method) \(request.uri.path)")
        }
    }
}
