import FHIRJSON
import FHIRStore
import Foundation
import Hummingbird
import PrimaryCare
import Terminology

/// Recording a visit: one form, no JavaScript. Searching ICD-10 is a submit button of the same form (`action=search`),
/// so everything typed so far comes back with the search's results as checkboxes; saving (`action=save`) checks the
/// form first and answers every problem next to what was typed, then completes the visit through
/// `VisitRecordService` — all of the record or nothing.
struct VisitPage: Sendable {
    let app: WebApp

    /// The visit the form is about: an appointment or a home-visit request.
    struct Target: Sendable {
        var kind: String
        var id: String
        var isHomeVisit: Bool { kind == "home-visit" }
        var path: String { "/clinic/visits/\(kind)/\(id)" }

        init(kind: String, id: String) {
            self.kind = kind
            self.id = id
        }

        /// The visit a `/clinic/visits/:kind/:id` page is about.
        init(_ page: PageRequest) { self.init(kind: page.parameter("kind"), id: page.parameter("id")) }
    }

    /// What the clinician has typed so far.
    struct Draft: Sendable {
        var diagnoses: [String] = []
        var query = ""
        var vitals: [VisitRecordService.Measurement.Kind: String] = [:]
        var referral = ""
        var medication = ""
        var dosage = ""
        var note = ""

        init() {}

        init(_ fields: [(name: String, value: String)]) {
            for (name, value) in fields {
                let v = value.trimmingCharacters(in: .whitespacesAndNewlines)
                switch name {
                case "dx": if !v.isEmpty && !diagnoses.contains(v) { diagnoses.append(v) }
                case "q": query = v
                case "referral": referral = v
                case "medication": medication = v
                case "dosage": dosage = v
                case "note": note = value.trimmingCharacters(in: .whitespacesAndNewlines)
                default:
                    if let kind = VisitRecordService.Measurement.Kind(rawValue: name), !v.isEmpty { vitals[kind] = v }
                }
            }
        }
    }

    /// The visit's patient and state, after checking it is the clinician's organisation's.
    struct Visit: Sendable {
        var patient: String
        var open: Bool
        var room: String?
        var when: String
        var reason: String
    }

    func visit(_ page: PageRequest, _ target: Target) async throws -> Visit {
        let me = try ClinicPages.clinician(page)
        guard target.kind == "appointment" || target.isHomeVisit else { throw PageRefusal(status: 404, messageKey: "clinic_no_visit") }
        let organization: String, patient: String?
        do {
            if target.isHomeVisit {
                (patient, organization) = try await HomeVisitService(repository: app.repository).parties(request: target.id)
            } else {
                let parties = try await BookingService(repository: app.repository).parties(appointment: target.id)
                (patient, organization) = (parties.patient, parties.organization)
            }
        } catch let error as FHIRError where error.status == 404 || error.status == 422 {
            throw PageRefusal(status: 404, messageKey: "clinic_no_visit")
        }
        guard organization == me.organization, let patient else { throw PageRefusal(status: 403, messageKey: "clinic_not_your_visit") }
        let repository = app.repository
        let json = try await page.withRecordAccess("read") {
            try await repository.read(type: target.isHomeVisit ? "ServiceRequest" : "Appointment", id: target.id).json
        }
        let status = json["status"]?.stringValue ?? ""
        let room = (json["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == "http://densauluq.kz/fhir/StructureDefinition/video-room" }?["valueUrl"]?.stringValue
        let start = json["start"]?.stringValue ?? json["occurrenceDateTime"]?.stringValue ?? ""
        return Visit(patient: patient, open: target.isHomeVisit ? status == "active" : ["booked", "arrived", "checked-in"].contains(status),
                     room: room, when: page.language.date(start) + (start.count > 11 ? " " + String(start.dropFirst(11).prefix(5)) : ""),
                     reason: json["reasonCode"]?[0]?["text"]?.stringValue ?? "")
    }

    func show(_ page: PageRequest, _ target: Target, draft: Draft, errors: [String] = [], status: Int = 200) async throws -> Response {
        let visit = try await visit(page, target)
        guard visit.open else { return page.redirect("/clinic?refused=visit_closed") }
        let repository = app.repository
        let patient = try await page.withRecordAccess("read") { try await repository.read(type: "Patient", id: visit.patient).json }
        let language = page.language.rawValue
        let catalog = app.icd10
        let found = draft.query.isEmpty ? [] : catalog.search(draft.query, language: language, limit: 15).filter { !draft.diagnoses.contains($0.code) }
        var data: [String: Any] = [
            "action": target.path, "patient": ClinicPages.patientRow(patient, page), "when": visit.when, "reason": visit.reason,
            "room": visit.room ?? "", "home": target.isHomeVisit,
            "chosen": draft.diagnoses.map { code in ["code": code, "title": catalog.entry(code)?.title(language) ?? ""] },
            "has_chosen": !draft.diagnoses.isEmpty,
            "found": found.map { ["code": $0.code, "title": $0.title(language)] }, "has_found": !found.isEmpty,
            "searched": !draft.query.isEmpty, "q": draft.query,
            "vitals": VisitRecordService.Measurement.Kind.allCases.map { kind -> [String: Any] in
                ["name": kind.rawValue, "label": page.t("vital_" + kind.rawValue), "unit": page.t("unit_" + kind.rawValue), "value": draft.vitals[kind] ?? ""]
            },
            "referral": draft.referral, "medication": draft.medication, "dosage": draft.dosage, "note": draft.note,
            "errors": errors, "has_errors": !errors.isEmpty,
        ]
        if draft.query.isEmpty == false && found.isEmpty { data["found_none"] = true }
        return page.render("clinic-visit", title: page.t(target.isHomeVisit ? "visit_record_home_title" : "visit_record_title"), status: status, data)
    }

    func post(_ page: PageRequest, _ target: Target) async throws -> Response {
        let fields = try await page.formFields()
        let draft = Draft(fields)
        if fields.first(where: { $0.name == "action" })?.value != "save" {
            return try await show(page, target, draft: draft)
        }
        let visit = try await visit(page, target)
        let (outcome, errors) = check(draft, page)
        if !errors.isEmpty { return try await show(page, target, draft: draft, errors: errors, status: 422) }
        let me = try ClinicPages.clinician(page)
        let service = VisitRecordService(repository: app.repository)
        do {
            if target.isHomeVisit {
                _ = try await service.complete(homeVisit: target.id, outcome: outcome, practitioner: me.practitioner)
            } else {
                _ = try await service.complete(appointment: target.id, outcome: outcome, practitioner: me.practitioner)
            }
        } catch let error as FHIRError where error.status == 409 {
            return page.redirect("/clinic?refused=visit_closed")
        }
        await page.audit("complete-visit", patient: visit.patient, status: 201)
        return page.redirect("/clinic/patients/\(visit.patient)?done=visit_recorded")
    }

    /// The outcome of the form, or every problem in it in the page's language.
    func check(_ draft: Draft, _ page: PageRequest) -> (VisitRecordService.Outcome, [String]) {
        var outcome = VisitRecordService.Outcome()
        var errors: [String] = []
        if draft.diagnoses.isEmpty { errors.append(page.t("visit_needs_diagnosis")) }
        for code in draft.diagnoses {
            if VisitRecordService.isICD10(code) {
                outcome.diagnoses.append(.init(code: code, display: app.icd10.entry(code)?.ru))
            } else {
                errors.append(page.t("visit_bad_code", ["code": code]))
            }
        }
        for kind in VisitRecordService.Measurement.Kind.allCases {
            guard let text = draft.vitals[kind] else { continue }
            let label = page.t("vital_" + kind.rawValue)
            guard let value = Double(text.replacingOccurrences(of: ",", with: ".")), value.isFinite else {
                errors.append(page.t("visit_vital_not_number", ["field": label, "value": text]))
                continue
            }
            guard kind.plausible.contains(value) else {
                errors.append(page.t("visit_vital_implausible", ["field": label, "from": page.language.number(kind.plausible.lowerBound, fractionDigits: kind.plausible.lowerBound < 1 ? 1 : 0),
                                                                  "to": page.language.number(kind.plausible.upperBound), "unit": page.t("unit_" + kind.rawValue)]))
                continue
            }
            outcome.measurements.append(.init(kind, value))
        }
        if (draft.vitals[.systolic] == nil) != (draft.vitals[.diastolic] == nil) { errors.append(page.t("visit_pressure_pair")) }
        if !draft.referral.isEmpty { outcome.referrals = [draft.referral] }
        if !draft.medication.isEmpty { outcome.prescriptions = [.init(medication: draft.medication, dosage: draft.dosage.isEmpty ? nil : draft.dosage)] }
        else if !draft.dosage.isEmpty { errors.append(page.t("visit_dosage_without_medicine")) }
        if !draft.note.isEmpty { outcome.note = draft.note }
        return (outcome, errors)
    }
}
