import FHIRJSON
import FHIRServer
import FHIRStore
import PrimaryCare

/// `POST Patient/[id]/$attach` — attach a person to a primary-care organisation, or transfer them (seed 002,
/// process 1.1). Parameters: `organization` (Reference, required), `area` (Reference to the catchment area
/// Location, optional: otherwise the least filled area that serves the person's age), `reason` (`choice`, the
/// default, limited to once a year; `relocation`; `organization-closed`). Answers the active EpisodeOfCare.
enum AttachOperation {
    static func make(_ service: AttachmentService) -> FHIROperation {
        FHIROperation(name: "attach", level: .instance("Patient"), affectsState: true,
                      documentation: "Attach the person to a primary-care organisation (transfer when attached elsewhere): organization, area?, reason?") { call in
            let patient = call.id ?? ""
            let organization = try call.parameters.requiredReference("organization", type: "Organization")
            let area = try call.parameters.reference("area", type: "Location")
            let reason = try AttachmentService.Reason(parameter: call.parameters.string("reason"))
            _ = try await CallerRules.standing(call.principal, repository: service.repository, patient: patient, organizations: [organization])
            let attachment = try await service.attach(patient: patient, organization: organization, area: area, reason: reason)
            return OperationResult(try await service.episode(attachment))
        }
    }
}

extension AttachmentService.Reason {
    init(parameter: String?) throws(FHIRError) {
        guard let parameter else { self = .choice; return }
        guard let reason = Self(rawValue: parameter), Self.requestable.contains(reason) else {
            throw FHIRError(400, "code-invalid", "Parameter 'reason' must be one of \(Self.requestable.map(\.rawValue).joined(separator: ", ")), not '\(parameter)'", expression: "reason")
        }
        self = reason
    }
}
