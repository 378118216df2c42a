import Audit
import FHIRJSON
import FHIRStore
import FHIRValidation
import Foundation
import HTTPTypes
import Hummingbird
import Identity
import Surveillance

/// Entry of an emergency notification received on paper (channel `manual`), through the same `NotificationService`
/// as `$notify`: the same rules, merging and refusals. The patient is found by ИИН.
extension EpidemiologyPages {
    static let fields = ["iin", "code", "onset", "diagnosed", "status", "kato", "organization"]

    func notifyForm(_ page: PageRequest, values: [String: String], problems: [String], notice: String? = nil, status: Int = 200) throws -> Response {
        _ = try page.require(Self.roles)
        var data: [String: Any] = Dictionary(uniqueKeysWithValues: Self.fields.map { ($0, values[$0] ?? "") })
        let today = Instant.now().dateInKazakhstan
        if values["onset"] == nil { data["onset"] = today }
        if values["diagnosed"] == nil { data["diagnosed"] = today }
        data["confirmed"] = values["status"] == "confirmed"
        data["today"] = today
        data["problems"] = problems
        data["has_problems"] = !problems.isEmpty
        if let notice { data["notice"] = notice }
        return page.render("surveillance-notify", title: page.t("notify_title"), status: status, data)
    }

    func notify(_ page: PageRequest) async throws -> Response {
        let principal = try page.require(Self.roles)
        let form = try await page.form()
        let values = form.mapValues { $0.trimmingCharacters(in: .whitespaces) }
        let iin = values["iin"] ?? ""
        guard iin.count == 12, iin.allSatisfy(\.isNumber) else {
            return try notifyForm(page, values: values, problems: [page.t("iin_invalid")], status: 400)
        }
        let repository = app.repository
        let patients = try await repository.serviceTransaction { tx in try await tx.ids("Patient", matching: "identifier=\(IIN.system)|\(iin)") }
        guard let patient = patients.first else {
            return try notifyForm(page, values: values, problems: [page.t("patient_not_found")], status: 404)
        }
        var condition = JSONObject()
        condition["resourceType"] = "Condition"
        condition["subject"] = ["reference": .string("Patient/\(patient)")]
        let code = (values["code"] ?? "").uppercased()
        condition["code"] = ["coding": .array([["system": .string(CaseNotification.icd10), "code": .string(code)]])]
        condition["onsetDateTime"] = .string(values["onset"] ?? "")
        condition["recordedDate"] = .string(values["diagnosed"] ?? "")
        let verification = values["status"] == "confirmed" ? "confirmed" : "provisional"
        condition["verificationStatus"] = ["coding": .array([["system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": .string(verification)]])]
        var extensions: [JSON] = []
        if let kato = values["kato"], !kato.isEmpty { extensions.append(["url": .string(CaseNotification.katoExtension), "valueCode": .string(kato)]) }
        if let org = values["organization"], !org.isEmpty {
            extensions.append(["url": .string(CaseNotification.notifierExtension), "valueReference": ["reference": .string("Organization/\(org)")]])
        }
        if !extensions.isEmpty { condition["extension"] = .array(extensions) }
        do {
            let outcome = try await NotificationService(repository: repository).notify(.object(condition), organization: nil, channel: .manual)
            await record(page, principal, patient: patient, target: "Condition/\(outcome.condition.id)", status: outcome.merged ? 200 : 201)
            return try notifyForm(page, values: [:], problems: [], notice: page.t(outcome.merged ? "notification_merged" : "notification_new"),
                                  status: outcome.merged ? 200 : 201)
        } catch let error as FHIRError {
            await record(page, principal, patient: patient, target: "Condition", status: error.status)
            let problems = error.issues.map { issue in (issue.expression.map { Self.fieldName($0, page) + ": " } ?? "") + issue.diagnostics }
            return try notifyForm(page, values: values, problems: [page.t("notification_refused")] + problems, status: error.status)
        }
    }

    /// The form's label of a notification element the service names (`Condition.onsetDateTime` → "Date of onset").
    static func fieldName(_ expression: String, _ page: PageRequest) -> String {
        let element = expression.split(separator: ".").dropFirst().first.map(String.init) ?? expression
        switch element {
        case "onsetDateTime": return page.t("onset")
        case "recordedDate": return page.t("diagnosed")
        case "code": return page.t("icd10")
        case "subject": return page.t("patient_iin")
        case "verificationStatus": return page.t("case_status")
        case let e where e.hasPrefix("extension(kato)"): return page.t("settlement_kato")
        case let e where e.hasPrefix("extension"): return page.t("notifier_org")
        default: return element
        }
    }

    /// The audit trail's entry of the notification (it writes a patient's record).
    func record(_ page: PageRequest, _ principal: AccessToken, patient: String, target: String, status: Int) async {
        app.audit?.record(AuditEntry(recorded: Instant.now().iso, actor: principal.sub.value, role: principal.role, organization: principal.org,
                                     patient: patient, action: "notify", target: target, outcome: status,
                                     source: page.request.headers[HTTPField.Name("X-Forwarded-For")!]))
    }
}
