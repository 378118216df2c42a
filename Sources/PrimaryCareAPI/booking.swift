import FHIRJSON
import FHIRServer
import FHIRStore
import PrimaryCare

/// `POST Slot/[id]/$book` (`patient`, `reason?`, `remote?`), `Appointment/[id]/$cancel` (`reason?`) and
/// `Appointment/[id]/$reschedule` (`slot`) — booking a visit or a remote consultation (seed 002, processes 1.2,
/// 1.3–1.4, 1.36). A citizen books for herself and her children, the organisation's staff and information system
/// for anyone; the answer is the Appointment.
enum BookingOperations {
    static func make(_ service: BookingService) -> [FHIROperation] {
        let book = FHIROperation(name: "book", level: .instance("Slot"), affectsState: true,
                                 documentation: "Book the slot: patient, reason?, remote?") { call in
            let slot = call.id ?? ""
            let patient = try call.parameters.requiredReference("patient", type: "Patient")
            let reason = try call.parameters.string("reason")
            let remote = try call.parameters.boolean("remote") ?? false
            let parties = try await service.parties(slot: slot)
            _ = try await CallerRules.standing(call.principal, repository: service.repository, patient: patient, organizations: [parties.organization])
            return OperationResult(try await service.book(slot: slot, patient: patient, reason: reason, remote: remote).json, status: 201)
        }
        let cancel = FHIROperation(name: "cancel", level: .instance("Appointment"), affectsState: true,
                                   documentation: "Cancel the appointment and free its slot: reason?") { call in
            let id = call.id ?? ""
            let parties = try await service.parties(appointment: id)
            _ = try await CallerRules.standing(call.principal, repository: service.repository, patient: parties.patient ?? "", organizations: [parties.organization])
            return OperationResult(try await service.cancel(appointment: id, reason: try call.parameters.string("reason")).json)
        }
        let reschedule = FHIROperation(name: "reschedule", level: .instance("Appointment"), affectsState: true,
                                       documentation: "Move the appointment to another slot: slot") { call in
            let id = call.id ?? ""
            let slot = try call.parameters.requiredReference("slot", type: "Slot")
            let parties = try await service.parties(appointment: id)
            let target = try await service.parties(slot: slot)
            _ = try await CallerRules.standing(call.principal, repository: service.repository, patient: parties.patient ?? "",
                                                organizations: parties.organization == target.organization ? [parties.organization] : [])
            return OperationResult(try await service.reschedule(appointment: id, to: slot).json, status: 201)
        }
        return [book, cancel, reschedule]
    }
}
