import Audit
import FHIRJSON
import FHIRStore
import Foundation
import Hummingbird

/// "My record" (seed 002, process 1.35; seed 001: the electronic health record the citizen sees): visits,
/// diagnoses, results, vaccinations, prescriptions and documents of a person whose record she holds; and "who
/// accessed my record", from the audit trail.
extension CitizenPages {
    /// One section of the record: a search and how to show each resource.
    struct Section: Sendable {
        var key: String
        var type: String
        var sort: String
        var row: @Sendable (JSON, Language) -> [String: Any]
    }

    static func coded(_ concept: JSON?) -> String {
        concept?["text"]?.stringValue ?? concept?["coding"]?[0]?["display"]?.stringValue
            ?? concept?["coding"]?[0]?["code"]?.stringValue ?? "—"
    }

    static let sections: [Section] = [
        Section(key: "record_visits", type: "Encounter", sort: "-date") { r, l in
            ["when": l.date(r["period"]?["start"]?.stringValue ?? ""), "what": coded(r["type"]?[0] ?? r["class"].map { ["text": $0["code"] ?? "—"] }),
             "detail": (r["diagnosis"]?.arrayValue ?? []).count > 0 ? "\((r["diagnosis"]?.arrayValue ?? []).count) dx" : ""]
        },
        Section(key: "record_diagnoses", type: "Condition", sort: "-recorded-date") { r, l in
            let icd = (r["code"]?["coding"]?.arrayValue ?? []).first { $0["system"]?.stringValue == "http://hl7.org/fhir/sid/icd-10" }?["code"]?.stringValue
            return ["when": l.date(r["recordedDate"]?.stringValue ?? r["onsetDateTime"]?.stringValue ?? ""), "what": coded(r["code"]),
                    "detail": icd ?? ""]
        },
        Section(key: "record_results", type: "Observation", sort: "-date") { r, l in
            var value = ""
            if let q = r["valueQuantity"] { value = "\(q["value"]?.doubleValue.map { l.number($0, fractionDigits: $0 == $0.rounded() ? 0 : 1) } ?? "") \(q["unit"]?.stringValue ?? "")" }
            else if let c = r["valueCodeableConcept"] { value = coded(c) }
            return ["when": l.date(r["effectiveDateTime"]?.stringValue ?? r["issued"]?.stringValue ?? ""), "what": coded(r["code"]), "detail": value]
        },
        Section(key: "record_vaccinations", type: "Immunization", sort: "-date") { r, l in
            ["when": l.date(r["occurrenceDateTime"]?.stringValue ?? ""), "what": coded(r["vaccineCode"]), "detail": r["status"]?.stringValue ?? ""]
        },
        Section(key: "record_prescriptions", type: "MedicationRequest", sort: "-authoredon") { r, l in
            ["when": l.date(r["authoredOn"]?.stringValue ?? ""), "what": coded(r["medicationCodeableConcept"]),
             "detail": r["dosageInstruction"]?[0]?["text"]?.stringValue ?? r["status"]?.stringValue ?? ""]
        },
        Section(key: "record_documents", type: "DocumentReference", sort: "-date") { r, l in
            ["when": l.date(r["date"]?.stringValue ?? ""), "what": coded(r["type"]), "detail": r["description"]?.stringValue ?? ""]
        },
    ]

    func record(_ page: PageRequest) async throws -> Response {
        let (all, person) = try await people(page)
        let repository = app.repository
        let id = person.id
        let bundles = try await page.withRecordAccess("search") {
            var out: [JSON] = []
            for section in Self.sections {
                out.append(try await repository.search(type: section.type, parameters: [("patient", "Patient/\(id)"), ("_sort", section.sort), ("_count", "20")], baseURL: ""))
            }
            return out
        }
        var data = peopleData(page, all, person, path: "/me/record")
        data["sections"] = zip(Self.sections, bundles).map { section, bundle -> [String: Any] in
            let rows = (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }.map { page.readable(section.row($0, page.language), $0) }
            return ["title": page.t(section.key), "id": section.key, "rows": rows, "empty": rows.isEmpty]
        }
        return page.render("me-record", title: page.t("record_title"), data)
    }

    func accessLog(_ page: PageRequest) async throws -> Response {
        let (all, person) = try await people(page)
        let entries = try await app.audit?.entries(patients: all.map(\.id), limit: 200) ?? []
        var data = peopleData(page, all, person, path: "/me/access")
        let names = Dictionary(all.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        data["entries"] = entries.map { e -> [String: Any] in
            ["when": page.language.date(e.recorded) + " " + String(e.recorded.dropFirst(11).prefix(5)),
             "who": e.role.map { page.t("role_" + $0) } ?? e.actor, "organization": e.organization ?? "",
             "whose": e.patient.flatMap { names[$0] } ?? "", "action": e.action, "purpose": e.purpose ?? "", "refused": e.outcome >= 400]
        }
        data["has_entries"] = !entries.isEmpty
        return page.render("me-access", title: page.t("access_title"), data)
    }
}
