import FHIRJSON
import FHIRServer
import FHIRStore
import PrimaryCare

/// `POST Patient/[id]/$detach` — end the person's attachment (moving abroad, a request in writing). Answers the
/// finished EpisodeOfCare, or an OperationOutcome when the person was not attached.
enum DetachOperation {
    static func make(_ service: AttachmentService) -> FHIROperation {
        FHIROperation(name: "detach", level: .instance("Patient"), affectsState: true,
                      documentation: "End the person's attachment to primary care") { call in
            let patient = call.id ?? ""
            let current = try await service.current(patient: patient)
            _ = try await CallerRules.standing(call.principal, repository: service.repository, patient: patient,
                                                organizations: current.map { [$0.organization] } ?? [])
            guard let ended = try await service.detach(patient: patient) else {
                return OperationResult(OperationOutcome.information("Patient/\(patient) is not attached"))
            }
            return OperationResult(try await service.episode(ended))
        }
    }
}
