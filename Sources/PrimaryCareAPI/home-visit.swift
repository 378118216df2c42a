import FHIRJSON
import FHIRServer
import FHIRStore
import PrimaryCare

/// `POST Patient/[id]/$request-home-visit` (`reason`, required) and `ServiceRequest/[id]/$cancel` — a doctor at
/// home (seed 002, process 1.2). Answers the ServiceRequest with the assigned doctor as performer.
/// `POST PractitionerRole/[id]/$position` (`latitude`, `longitude`) — the doctor's phone says where they are.
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
        let position = FHIROperation(name: "position", level: .instance("PractitionerRole"), affectsState: true,
                                     documentation: "Where the doctor is now, for home-visit assignment: latitude, longitude") { call in
            let role = call.id ?? ""
            guard let stored = try? await service.repository.read(type: "PractitionerRole", id: role) else { throw FHIRError.notFound("PractitionerRole", role) }
            let organization = stored.json["organization"]?["reference"]?.stringValue.flatMap { $0.hasPrefix("Organization/") ? String($0.dropFirst(13)) : nil }
            let practitioner = try CallerRules.requireClinician(call.principal, of: organization)
            if let practitioner, stored.json["practitioner"]?["reference"]?.stringValue != "Practitioner/\(practitioner)" {
                throw FHIRError(403, "forbidden", "A doctor reports only their own position")
            }
            guard let latitude = try call.parameters.decimal("latitude") else { throw FHIRError(400, "required", "Parameter 'latitude' is required", expression: "latitude") }
            guard let longitude = try call.parameters.decimal("longitude") else { throw FHIRError(400, "required", "Parameter 'longitude' is required", expression: "longitude") }
            try await service.report(role: role, latitude: latitude, longitude: longitude)
            return .parameters([("reported", ["valueBoolean": true])])
        }
        return [request, cancel, position]
    }
}
