import FHIRDefinitions
import FHIRJSON
import FHIRValidation
import Foundation
import Logging
import SQLKit

/// The FHIR resource store: every interaction of the REST API, on one `Database`.
///
/// Interactions live in their own files (`Interactions/create.swift`, `read.swift`, …) as extensions.
public final class Repository: Sendable {
    public let database: Database
    let validator = ResourceValidator()
    public let logger: Logger
    /// The resource types this server stores and serves.
    public let supportedTypes: Set<String>

    public init(database: Database, logger: Logger = Logger(label: "densauluq.store")) {
        self.database = database
        self.logger = logger
        self.supportedTypes = Set(ResourceTypes.supported)
    }

    /// Throws 404 with an OperationOutcome when `type` is not a resource type this server serves.
    public func checkType(_ type: String) throws(FHIRError) {
        guard supportedTypes.contains(type) else {
            if ResourceTypes.all.contains(type) {
                throw FHIRError(404, "not-supported", "Resource type \(type) is not supported by this server")
            }
            throw FHIRError(404, "not-supported", "Unknown resource type '\(type)'")
        }
    }

    // MARK: - Validation

    /// Parses and validates a request body as a resource of `type` (nil: any supported type).
    public func parseResource(_ bytes: some Collection<UInt8>, expectedType: String?) throws(FHIRError) -> JSON {
        let json: JSON
        do { json = try JSONParser.parse(bytes) } catch {
            throw FHIRError(400, "structure", "The body is not valid JSON: \(error.description)")
        }
        return json
    }

    /// Validates `resource` against the R4 schema and our rules; throws 422 listing every problem.
    func validate(_ resource: JSON, type: String, location: String? = nil) throws(FHIRError) {
        guard case .object(let o) = resource else {
            throw FHIRError(400, "structure", "A resource must be a JSON object", expression: location)
        }
        guard let rt = o["resourceType"]?.stringValue else {
            throw FHIRError(400, "required", "The resource has no resourceType", expression: location)
        }
        guard rt == type else {
            throw FHIRError(400, "invalid", "The resource type \(rt) does not match the type \(type) of the request", expression: location.map { $0 + ".resourceType" } ?? "resourceType")
        }
        try checkType(type)
        let issues = validator.validate(resource)
        let errors = issues.filter { $0.severity == .error || $0.severity == .fatal }
        if !errors.isEmpty {
            throw FHIRError(status: 422, issues: errors.map { issue in
                OutcomeIssue(severity: issue.severity.rawValue, code: issue.code, diagnostics: issue.message,
                             expression: location.map { loc in Self.relocate(issue.location, under: loc) } ?? issue.location)
            })
        }
    }

    /// Prefixes a validator location (`Patient.name[0]`) with a bundle entry location.
    static func relocate(_ path: String, under location: String) -> String {
        guard let dot = path.firstIndex(of: ".") else { return location }
        return location + path[dot...]
    }

    // MARK: - Identity and meta

    static func newId() -> String { ResourceId.make() }

    /// Puts `id` and `meta` (versionId, lastUpdated) on a resource, keeping `resourceType`, `id`, `meta` first.
    static func stamp(_ resource: JSON, id: String, version: Int, lastUpdated: String) -> JSON {
        guard case .object(var o) = resource else { return resource }
        var meta = o["meta"]?.objectValue ?? JSONObject()
        meta.set("versionId", .string(String(version)), at: 0)
        meta.set("lastUpdated", .string(lastUpdated), at: 1)
        o.set("id", .string(id), at: 1)
        o.set("meta", .object(meta), at: 2)
        return .object(o)
    }

    /// The resource without `meta.versionId`/`meta.lastUpdated`, to tell whether an update changes anything.
    static func contentIgnoringVersion(_ resource: JSON) -> JSON {
        guard case .object(var o) = resource else { return resource }
        if var meta = o["meta"]?.objectValue {
            meta["versionId"] = nil
            meta["lastUpdated"] = nil
            o["meta"] = meta.isEmpty ? nil : .object(meta)
        }
        return .object(o)
    }
}
