import FHIRJSON
import FHIRStore
import Foundation
import Hummingbird
import PrimaryCare

/// The patient summary a clinician opens before and during a visit: who the person is and where attached, active
/// problems, allergies, current medicines, the latest results, vaccinations and recent visits, with the open
/// visits of her own organisation to record.
extension ClinicPages {
    static let summarySections: [CitizenPages.Section] = [
        .init(key: "summary_problems", type: "Condition", sort: "-recorded-date") { r, l in
            let icd = (r["code"]?["coding"]?.arrayValue ?? []).first { $0["system"]?.stringValue == VisitRecordService.icd10System }?["code"]?.stringValue
            return ["when": l.date(r["recordedDate"]?.stringValue ?? r["onsetDateTime"]?.stringValue ?? ""), "what": CitizenPages.coded(r["code"]), "detail": icd ?? ""]
        },
        .init(key: "summary_allergies", type: "AllergyIntolerance", sort: "-date") { r, l in
            ["when": l.date(r["recordedDate"]?.stringValue ?? ""), "what": CitizenPages.coded(r["code"]),
             "detail": (r["criticality"]?.stringValue).map { "criticality: \($0)" } ?? ""]
        },
        .init(key: "summary_medicines", type: "MedicationRequest", sort: "-authoredon") { r, l in
            ["when": l.date(r["authoredOn"]?.stringValue ?? ""), "what": CitizenPages.coded(r["medicationCodeableConcept"]),
             "detail": r["dosageInstruction"]?[0]?["text"]?.stringValue ?? ""]
        },
        .init(key: "summary_results", type: "Observation", sort: "-date") { r, l in
            ["when": l.date(r["effectiveDateTime"]?.stringValue ?? r["issued"]?.stringValue ?? ""), "what": CitizenPages.coded(r["code"]),
             "detail": ClinicPages.value(r, l)]
        },
        .init(key: "summary_vaccinations", type: "Immunization", sort: "-date") { r, l in
            ["when": l.date(r["occurrenceDateTime"]?.stringValue ?? ""), "what": CitizenPages.coded(r["vaccineCode"]), "detail": ""]
        },
        .init(key: "summary_visits", type: "Encounter", sort: "-date") { r, l in
            ["when": l.date(r["period"]?["start"]?.stringValue ?? ""), "what": CitizenPages.coded(r["type"]?[0] ?? r["class"].map { ["text": $0["display"] ?? $0["code"] ?? "—"] }),
             "detail": r["serviceProvider"]?["display"]?.stringValue ?? ""]
        },
    ]

    /// Extra search parameters per section: only what is current.
    static let summaryFilters: [String: [(String, String)]] = [
        "Condition": [("clinical-status", "active")],
        "MedicationRequest": [("status", "active")],
    ]

    /// An observation's value as read: a quantity with its unit, a coded value, or a blood pressure `120/80 mm[Hg]`.
    static func value(_ r: JSON, _ l: Language) -> String {
        func quantity(_ q: JSON?) -> String? {
            guard let q, let v = q["value"]?.doubleValue else { return nil }
            return "\(l.number(v, fractionDigits: v == v.rounded() ? 0 : 1)) \(q["unit"]?.stringValue ?? "")"
        }
        if let q = quantity(r["valueQuantity"]) { return q }
        if let c = r["valueCodeableConcept"] { return CitizenPages.coded(c) }
        let parts = (r["component"]?.arrayValue ?? []).compactMap { $0["valueQuantity"]?["value"]?.doubleValue }
        if parts.count == 2 { return "\(l.number(parts[0]))/\(l.number(parts[1])) \(r["component"]?[0]?["valueQuantity"]?["unit"]?.stringValue ?? "")" }
        return r["valueString"]?.stringValue ?? ""
    }

    func summary(_ page: PageRequest, patient id: String) async throws -> Response {
        let me = try Self.clinician(page)
        let repository = app.repository
        let read: (patient: JSON, sections: [JSON], open: JSON)
        do {
            read = try await page.withRecordAccess("read") {
                let patient = try await repository.read(type: "Patient", id: id).json
                var sections: [JSON] = []
                for s in Self.summarySections {
                    sections.append(try await repository.search(type: s.type, parameters: [("patient", "Patient/\(id)")] + (Self.summaryFilters[s.type] ?? [])
                                                                  + [("_sort", s.sort), ("_count", s.type == "Encounter" ? "5" : "10")], baseURL: ""))
                }
                let open = try await repository.search(type: "Appointment", parameters: [("patient", "Patient/\(id)"), ("practitioner", "Practitioner/\(me.practitioner)"),
                                                                                           ("status", "booked,arrived"), ("_sort", "date"), ("_count", "5")], baseURL: "")
                return (patient, sections, open)
            }
        } catch let error as FHIRError where error.status == 403 || error.status == 404 || error.status == 410 {
            // Whether the person exists is not told to someone who may not see the record; the attempt is kept in
            // the person's access log.
            await page.audit("read", patient: id, status: 403)
            throw PageRefusal(status: 403, messageKey: "clinic_not_your_patient")
        }
        var data: [String: Any] = ["patient": Self.patientRow(read.patient, page)]
        if let attachment = try await AttachmentService(repository: repository).current(patient: id) {
            let (org, area) = try await repository.serviceTransaction { tx in
                (try await tx.read("Organization", attachment.organization)?.json, try await tx.read("Location", attachment.area)?.json)
            }
            data["attachment"] = ["organization": DisplayName.of(org), "area": DisplayName.of(area), "ours": attachment.organization == me.organization]
        }
        data["sections"] = zip(Self.summarySections, read.sections).map { section, bundle -> [String: Any] in
            let rows = (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }.map { page.readable(section.row($0, page.language), $0) }
            return ["title": page.t(section.key), "id": section.key, "rows": rows, "empty": rows.isEmpty]
        }
        let open = (read.open["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }.map { a -> [String: Any] in
            let start = a["start"]?.stringValue ?? ""
            return ["id": a["id"]?.stringValue ?? "", "when": page.language.date(start) + " " + String(start.dropFirst(11).prefix(5))]
        }
        data["open"] = open
        data["has_open"] = !open.isEmpty
        if let done = page.query("done") { data["notice"] = page.t("done_" + done) }
        return page.render("clinic-patient", title: page.t("summary_title"), data)
    }
}
