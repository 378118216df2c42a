import FHIRJSON
import FHIRStore

/// The specification's operations that the core implements for every deployment, before those of capability
/// modules: `Patient/[id]/$everything` and `$validate` on every supported type.
enum CoreOperations {
    static func make(_ repository: Repository) -> [FHIROperation] {
        [everything(repository)] + export() + repository.supportedTypes.sorted().flatMap { validate(repository, $0) }
    }

    /// `$export` at system and Patient level, for the CapabilityStatement: the API answers them itself
    /// (`BulkExportAPI`), because the asynchronous pattern needs its own statuses and headers.
    static func export() -> [FHIROperation] {
        [(FHIROperation.Level.system, "export"), (.type("Patient"), "patient-export")].map { level, definition in
            FHIROperation(name: "export", level: level, affectsState: false,
                          documentation: "Bulk Data export as NDJSON (Prefer: respond-async; _type, _since, _outputFormat)",
                          definition: "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/\(definition)") { _ in
                throw FHIRError(400, "invalid", "Start an export with GET and the header Prefer: respond-async")
            }
        }
    }

    /// `GET Patient/[id]/$everything[?start&end&_count&_since&_type]`: the patient's record in pages (`Repository.everything`).
    static func everything(_ repository: Repository) -> FHIROperation {
        FHIROperation(name: "everything", level: .instance("Patient"), affectsState: false,
                      documentation: "The patient's record: the Patient, every resource in the patient's compartment and what they reference, in pages (_count, _since, _type)",
                      definition: "http://hl7.org/fhir/OperationDefinition/Patient-everything") { call in
            OperationResult(try await repository.everything(patient: call.id ?? "", parameters: call.query, baseURL: call.baseURL))
        }
    }

    /// `POST [type]/$validate` and `POST [type]/[id]/$validate` with the resource (or a Parameters with `resource`
    /// and `mode`): 200 with an OperationOutcome of every problem, or one saying there is none — the specification
    /// reserves error statuses for a validation that could not be run.
    static func validate(_ repository: Repository, _ type: String) -> [FHIROperation] {
        [FHIROperation.Level.type(type), .instance(type)].map { level in
            FHIROperation(name: "validate", level: level, affectsState: false,
                          documentation: "Check a \(type) as a create (or, with an id, an update) would, without storing it",
                          definition: "http://hl7.org/fhir/OperationDefinition/Resource-validate") { call in
                guard let resource = try call.parameters.resource("resource") else {
                    throw FHIRError(400, "required", "$validate needs the resource: POST it, or a Parameters with a 'resource' part", expression: "resource")
                }
                let modeText = try call.parameters.string("mode")
                guard let mode = modeText.map({ Repository.ValidationMode(rawValue: $0) }) ?? (call.id == nil ? .general : .update) else {
                    throw FHIRError(400, "not-supported", "mode=\(modeText ?? "") is not supported: use create or update", expression: "mode")
                }
                let issues = try await repository.validateOnly(resource.json, type: type, mode: mode, id: call.id)
                return OperationResult(issues.isEmpty ? OperationOutcome.information("No problems found in the \(type)") : OperationOutcome.make(issues))
            }
        }
    }
}
