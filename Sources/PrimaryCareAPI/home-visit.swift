import FHIRJSON
import FHIRServer
import FHIRStore
import PrimaryCare

/// `POST Patient/[id]/$request-home-visit` (`reason`, required) and `ServiceRequest/[id]/$cancel` — a doctor at
/// home (seed 002, process 1.2). Answers the ServiceRequest with the assigned doctor as performer.
enum HomeVisitOperations {
    static func make(_ service: HomeVisitService, attachments: AttachmentService) -> [FHIROperation] {
        let request = FHIROperation(name: "request-home-visit", level: .instance("Patient"), affectsState: true,
                                    documentation: "Ask for a doctor at home: reason") { call in
            let patient = call.id ?? ""
            let reason = try call.parameters.requiredString("reason")
            let organizations = try await attachments.current(patient: patient).map { [$0.organization] } ?? []
            _ = try await CallerRules.standing(call.principal, repository: service.repository, patient: patient, organizations: organizations)
            return OperationResult(try await service.request(patient: patient, reason: reason).json, status: 201)
        }
        let cancel = FHIROperation(name: "cancel", level: .instance("ServiceRequest"), affectsState: true,
                                   documentation: "Cancel an open home-visit request") { call in
            let id = call.id ?? ""
            let parties = try await service.parties(request: id)
            _ = try await CallerRules.standing(call.principal, repository: service.repository, patient: parties.patient, organizations: [parties.organization])
            return OperationResult(try await service.cancel(request: id).json)
        }
        return [request, cancel]
    }
}
