import FHIRServer
import FHIRStore
import Surveillance

/// `POST Condition/[id]/$set-case-status` — `status` (suspected | confirmed | discarded) and any `evidence`
/// (references to laboratory results). For the epidemiologist of the case's region and the notifying organisation.
enum SetCaseStatusOperation {
    static func make(_ service: NotificationService, counts: CaseCounts) -> FHIROperation {
        FHIROperation(name: "set-case-status", level: .instance("Condition"), affectsState: true,
                      documentation: "Confirm or discard a notified case: status, evidence") { call in
            let id = call.id ?? ""
            let text = try call.parameters.requiredString("status")
            guard let status = CaseStatus(rawValue: text) else {
                throw FHIRError(400, "code-invalid", "status must be suspected, confirmed or discarded, not '\(text)'", expression: "status")
            }
            // The service refuses evidence that is not a laboratory result.
            let evidence = try call.parameters.references("evidence").map(\.reference)
            guard let record = try await counts.record(condition: id) else {
                throw FHIRError(404, "not-found", "Condition/\(id) is not a notified case")
            }
            switch try SurveillanceCallers.journalView(call.principal) {
            case .everything: break
            case .region(let region) where region == record.region: break
            case .organization(let org) where org == record.organization: break
            default: throw FHIRError(403, "forbidden", "Only the epidemiologist of the case's region or the notifying organisation may change Condition/\(id)")
            }
            return OperationResult(try await service.setStatus(condition: id, to: status, evidence: evidence).0.json)
        }
    }
}
