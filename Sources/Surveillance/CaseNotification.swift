import AccessControl
import FHIRJSON
import FHIRStore
import Foundation
import KazakhstanRegions

/// An emergency notification of a case of a notifiable disease (seed 002, process 5.2; seed 000, the case
/// registry), as an information system sends it: a `Condition` with
/// - `subject` → the Patient; `code` with an ICD-10 coding (`http://hl7.org/fhir/sid/icd-10`) of a notifiable disease;
/// - `onsetDateTime` (or `onsetPeriod.start`) and `recordedDate`, the date of diagnosis;
/// - `verificationStatus` provisional (suspected), confirmed or refuted (discarded);
/// - laboratory confirmation as `evidence.detail` → the Observation or DiagnosticReport;
/// - the place: `extension(kato).valueCode`, the KATO code of the settlement (else the patient's home address);
/// - the notifying organisation: `extension(notifying-organization).valueReference` (else the caller's own).
/// `docs/surveillance.md` describes the profile with an example.
public struct CaseNotification: Sendable, Equatable {
    public static let profile = "http://densauluq.kz/fhir/StructureDefinition/emergency-notification"
    public static let katoExtension = "http://densauluq.kz/fhir/StructureDefinition/kato"
    public static let notifierExtension = "http://densauluq.kz/fhir/StructureDefinition/notifying-organization"
    public static let icd10 = NotifiableConditions.icd10System

    public var patient: String
    /// The full ICD-10 code (`A01.0`) and its category (`A01`), the unit of counting.
    public var code: String
    public var disease: String
    public var display: String?
    public var onset: String
    public var diagnosed: String
    public var status: CaseStatus
    /// `Type/id` of the laboratory results given as evidence.
    public var evidence: [String]
    /// KATO of the settlement, when the notification gives it.
    public var settlement: String?
    public var organization: String?

    public var laboratoryConfirmed: Bool { !evidence.isEmpty }

    /// Reads a notification, naming every problem with its place (`Condition.onsetDateTime` …).
    /// - Parameter today: the date in Kazakhstan, to refuse dates in the future.
    public init(_ condition: JSON, location: String = "Condition", today: String) throws(FHIRError) {
        var issues: [OutcomeIssue] = []
        func problem(_ code: String, _ text: String, _ path: String) { issues.append(OutcomeIssue(code: code, diagnostics: text, expression: location + "." + path)) }
        if condition["resourceType"]?.stringValue != "Condition" { problem("invalid", "A notification is a Condition", "resourceType") }
        let subject = condition["subject"]?["reference"]?.stringValue
        let patient = subject.flatMap { $0.hasPrefix("Patient/") ? String($0.dropFirst(8)) : nil }
        if patient == nil { problem("required", "The patient is required: subject → Patient/[id]", "subject") }
        let codings = condition["code"]?["coding"]?.arrayValue ?? []
        let icd = codings.first { $0["system"]?.stringValue == Self.icd10 }
        let code = icd?["code"]?.stringValue?.uppercased()
        var disease: String?
        if let code {
            let category = String(code.prefix(3))
            if NotifiableConditions.icd10Prefixes.contains(category) { disease = category } else {
                problem("business-rule", "ICD-10 \(code) is not a notifiable disease", "code.coding")
            }
        } else {
            problem("required", "The disease is required as an ICD-10 coding (\(Self.icd10))", "code")
        }
        let onset = (condition["onsetDateTime"]?.stringValue ?? condition["onsetPeriod"]?["start"]?.stringValue).map { String($0.prefix(10)) }
        if onset == nil { problem("required", "The date of onset is required", "onsetDateTime") }
        else if let onset, !Self.isDate(onset) { problem("invalid", "The date of onset '\(onset)' is not a date", "onsetDateTime") }
        let diagnosed = condition["recordedDate"]?.stringValue.map { String($0.prefix(10)) }
        if diagnosed == nil { problem("required", "The date of diagnosis is required", "recordedDate") }
        else if let diagnosed, !Self.isDate(diagnosed) { problem("invalid", "The date of diagnosis '\(diagnosed)' is not a date", "recordedDate") }
        if let onset, let diagnosed, Self.isDate(onset), Self.isDate(diagnosed) {
            if onset > diagnosed { problem("business-rule", "The onset (\(onset)) is after the diagnosis (\(diagnosed))", "onsetDateTime") }
            if diagnosed > today { problem("business-rule", "The date of diagnosis \(diagnosed) is in the future", "recordedDate") }
        }
        let verification = condition["verificationStatus"]?["coding"]?[0]?["code"]?.stringValue
        let status = verification.map { CaseStatus(verificationCode: $0) } ?? .suspected
        if status == nil { problem("code-invalid", "verificationStatus '\(verification ?? "")' is not one of provisional, confirmed, refuted", "verificationStatus") }
        var evidence: [String] = []
        for (i, e) in (condition["evidence"]?.arrayValue ?? []).enumerated() {
            for (j, d) in (e["detail"]?.arrayValue ?? []).enumerated() {
                guard let ref = d["reference"]?.stringValue else { continue }
                if ref.hasPrefix("Observation/") || ref.hasPrefix("DiagnosticReport/") { evidence.append(ref) } else {
                    problem("invalid", "Laboratory evidence must be an Observation or a DiagnosticReport, not \(ref)", "evidence[\(i)].detail[\(j)]")
                }
            }
        }
        let extensions = condition["extension"]?.arrayValue ?? []
        let settlement = extensions.first { $0["url"]?.stringValue == Self.katoExtension }?["valueCode"]?.stringValue
        if let settlement, Region.of(kato: settlement) == nil || !settlement.allSatisfy(\.isNumber) {
            problem("invalid", "'\(settlement)' is not the KATO code of a place in Kazakhstan (9 digits)", "extension(kato)")
        }
        let notifier = extensions.first { $0["url"]?.stringValue == Self.notifierExtension }?["valueReference"]?["reference"]?.stringValue
        var organization: String?
        if let notifier {
            if notifier.hasPrefix("Organization/") { organization = String(notifier.dropFirst(13)) } else {
                problem("invalid", "The notifying organisation must reference an Organization, not \(notifier)", "extension(notifying-organization)")
            }
        }
        guard issues.isEmpty, let patient, let code, let disease, let onset, let diagnosed, let status else {
            throw FHIRError(status: issues.contains { $0.code == "business-rule" } && !issues.contains { $0.code == "required" || $0.code == "invalid" } ? 422 : 400, issues: issues)
        }
        self.patient = patient
        self.code = code
        self.disease = disease
        self.display = icd?["display"]?.stringValue
        self.onset = onset
        self.diagnosed = diagnosed
        self.status = status
        self.evidence = evidence
        self.settlement = settlement
        self.organization = organization
    }

    static func isDate(_ s: String) -> Bool {
        s.count == 10 && s >= "1900" && CaseCalendar.dayNumber(s) != nil
    }
}
