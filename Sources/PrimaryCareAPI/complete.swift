import FHIRJSON
import FHIRServer
import FHIRStore
import PrimaryCare

/// `POST Appointment/[id]/$complete` and `ServiceRequest/[id]/$complete` — the clinician ends a visit (in person,
/// remote or at home) with its record. Parameters: `diagnosis` (valueCoding, ICD-10, repeating), `referral`
/// (valueString, repeating), `prescription` (parts `medication` and `dosage`, repeating), `note` (valueString),
/// vital signs as `systolic`, `diastolic`, `pulse`, `temperature`, `weight`, `height` (valueDecimal, in mm[Hg],
/// /min, Cel, kg, cm).
/// Answers a collection Bundle of what was recorded.
enum CompleteOperations {
    static func make(_ service: VisitRecordService, booking: BookingService, homeVisits: HomeVisitService) -> [FHIROperation] {
        let appointment = FHIROperation(name: "complete", level: .instance("Appointment"), affectsState: true,
                                        documentation: "Record the visit: diagnosis*, referral*, prescription*, note?") { call in
            let id = call.id ?? ""
            let outcome = try outcome(call.parameters)
            let practitioner = try CallerRules.requireClinician(call.principal, of: try await booking.parties(appointment: id).organization)
            return OperationResult(bundle(try await service.complete(appointment: id, outcome: outcome, practitioner: practitioner)))
        }
        let homeVisit = FHIROperation(name: "complete", level: .instance("ServiceRequest"), affectsState: true,
                                      documentation: "Record the home visit: diagnosis*, referral*, prescription*, note?") { call in
            let id = call.id ?? ""
            let outcome = try outcome(call.parameters)
            let practitioner = try CallerRules.requireClinician(call.principal, of: try await homeVisits.parties(request: id).organization)
            return OperationResult(bundle(try await service.complete(homeVisit: id, outcome: outcome, practitioner: practitioner)))
        }
        return [appointment, homeVisit]
    }

    static func outcome(_ p: OperationParameters) throws(FHIRError) -> VisitRecordService.Outcome {
        var outcome = VisitRecordService.Outcome()
        for c in try p.codings("diagnosis") {
            if let system = c.system, system != VisitRecordService.icd10System {
                throw FHIRError(400, "code-invalid", "A diagnosis is coded in ICD-10 (\(VisitRecordService.icd10System)), not \(system)", expression: c.location)
            }
            outcome.diagnoses.append(.init(code: c.code, display: c.display))
        }
        outcome.referrals = try p.strings("referral")
        for group in p.groups("prescription") {
            // A name as valueString, or a valueCoding (its display, else its code).
            let medication = try group.codings("medication").first.map { $0.display ?? $0.code } ?? ""
            outcome.prescriptions.append(.init(medication: medication, dosage: try group.string("dosage")))
        }
        outcome.note = try p.string("note")
        for kind in VisitRecordService.Measurement.Kind.allCases {
            if let value = try p.decimal(kind.rawValue) { outcome.measurements.append(.init(kind, value)) }
        }
        return outcome
    }

    static func bundle(_ record: VisitRecordService.Record) -> JSON {
        let all = [record.encounter] + record.conditions + record.observations + record.referrals + record.prescriptions + (record.note.map { [$0] } ?? [])
        return ["resourceType": "Bundle", "type": "collection", "entry": .array(all.map { ["fullUrl": .string("\($0.type)/\($0.id)"), "resource": $0.json] })]
    }
}
