import FHIRJSON
import FHIRStore
import Foundation

/// Ending a visit — in person, remote or at home — with the same record (seed 002, processes 1.3–1.4, 1.35,
/// 1.36): a finished Encounter (class AMB, VR or HH), a Condition per ICD-10 diagnosis, a ServiceRequest per
/// referral, a MedicationRequest per prescription and the visit note as a DocumentReference, all in one
/// transaction with the Appointment becoming `fulfilled` (or the home-visit request `completed`).
public struct VisitRecordService: Sendable {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    public static let icd10System = "http://hl7.org/fhir/sid/icd-10"

    public struct Diagnosis: Sendable {
        public var code: String
        public var display: String?
        public init(code: String, display: String? = nil) { self.code = code; self.display = display }
    }

    public struct Prescription: Sendable {
        public var medication: String
        public var dosage: String?
        public init(medication: String, dosage: String? = nil) { self.medication = medication; self.dosage = dosage }
    }

    /// A vital sign measured at the visit (LOINC-coded, UCUM unit); `plausible` bounds refuse typing errors.
    public struct Measurement: Sendable {
        public var kind: Kind
        public var value: Double
        public init(_ kind: Kind, _ value: Double) { self.kind = kind; self.value = value }

        public enum Kind: String, Sendable, CaseIterable {
            case systolic, diastolic, pulse, temperature, weight, height

            public var loinc: (code: String, display: String) {
                switch self {
                case .systolic: ("8480-6", "Systolic blood pressure")
                case .diastolic: ("8462-4", "Diastolic blood pressure")
                case .pulse: ("8867-4", "Heart rate")
                case .temperature: ("8310-5", "Body temperature")
                case .weight: ("29463-7", "Body weight")
                case .height: ("8302-2", "Body height")
                }
            }
            public var unit: String {
                switch self {
                case .systolic, .diastolic: "mm[Hg]"
                case .pulse: "/min"
                case .temperature: "Cel"
                case .weight: "kg"
                case .height: "cm"
                }
            }
            public var plausible: ClosedRange<Double> {
                switch self {
                case .systolic: 50...300
                case .diastolic: 20...200
                case .pulse: 20...250
                case .temperature: 30...45
                case .weight: 0.3...400
                case .height: 20...260
                }
            }
        }
    }

    /// What the clinician records.
    public struct Outcome: Sendable {
        public var diagnoses: [Diagnosis] = []
        /// Vital signs; systolic and diastolic pressure go together into one blood-pressure panel.
        public var measurements: [Measurement] = []
        public var referrals: [String] = []
        public var prescriptions: [Prescription] = []
        public var note: String?
        public init() {}
    }

    /// What the visit produced.
    public struct Record: Sendable {
        public var encounter: StoredResource
        public var conditions: [StoredResource]
        public var observations: [StoredResource]
        public var referrals: [StoredResource]
        public var prescriptions: [StoredResource]
        public var note: StoredResource?
    }

    /// `A00`–`Z99` with an optional subcategory (`J06.9`).
    public static func isICD10(_ code: String) -> Bool {
        code.wholeMatch(of: /[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?/) != nil
    }

    /// Starts a booked visit: the Appointment becomes `arrived` (the patient is being seen) and, for a remote
    /// consultation, its video room is answered for the clinician to join. Starting a started visit answers the
    /// same again.
    /// - Throws: 404 for an unknown appointment, 409 unless it is booked or already started.
    public func start(appointment id: String) async throws -> (appointment: StoredResource, room: String?) {
        try await repository.serviceTransaction { tx in
            guard let a = try await tx.readForUpdate("Appointment", [id])[id], case .object(var o) = a.json else { throw FHIRError.notFound("Appointment", id) }
            let room = (a.json["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == Slots.videoRoomExtension }?["valueUrl"]?.stringValue
            switch o["status"]?.stringValue {
            case "arrived", "checked-in": return (a, room)
            case "booked":
                o["status"] = "arrived"
                return (try await tx.update("Appointment", id, .object(o)), room)
            case let status:
                throw FHIRError(409, "business-rule", "Appointment/\(id) is \(status ?? "without status"): only a booked visit can be started")
            }
        }
    }

    /// Completes a booked appointment.
    /// - Parameter practitioner: who saw the patient (the signed-in clinician); the appointment's otherwise.
    /// - Throws: 409 when the appointment is not booked or arrived; 400 for an invalid outcome.
    public func complete(appointment id: String, outcome: Outcome, practitioner: String?, now: Date = Date()) async throws -> Record {
        try Self.check(outcome)
        return try await repository.serviceTransaction { tx in
            guard let a = try await tx.readForUpdate("Appointment", [id])[id], case .object(var o) = a.json else { throw FHIRError.notFound("Appointment", id) }
            guard ["booked", "arrived", "checked-in"].contains(o["status"]?.stringValue ?? "") else {
                throw FHIRError(409, "business-rule", "Appointment/\(id) is \(o["status"]?.stringValue ?? "without status"): only a booked visit can be completed")
            }
            guard let patient = Slots.participant(a.json, "Patient") else { throw FHIRError(422, "business-rule", "Appointment/\(id) has no patient") }
            var organization = BookingService.organization(a.json)
            if organization == nil, let slotId = BookingService.slotId(a.json), let slot = try await tx.read("Slot", slotId) {
                organization = try await BookingService.context(tx, slot: slot).organization
            }
            let record = try await Self.record(tx, patient: patient, practitioner: practitioner ?? Slots.participant(a.json, "Practitioner"),
                                               organization: organization, kind: Slots.isRemote(a.json) ? "VR" : "AMB",
                                               start: a.json["start"]?.stringValue, appointment: id, basedOn: nil, outcome: outcome, now: now)
            o["status"] = "fulfilled"
            _ = try await tx.update("Appointment", id, .object(o))
            return record
        }
    }

    /// Completes a home-visit request.
    public func complete(homeVisit id: String, outcome: Outcome, practitioner: String?, now: Date = Date()) async throws -> Record {
        try Self.check(outcome)
        return try await repository.serviceTransaction { tx in
            guard let r = try await tx.readForUpdate("ServiceRequest", [id])[id], HomeVisitService.isHomeVisit(r.json), case .object(var o) = r.json else {
                throw FHIRError.notFound("ServiceRequest", id)
            }
            guard o["status"]?.stringValue == "active" else {
                throw FHIRError(409, "business-rule", "ServiceRequest/\(id) is \(o["status"]?.stringValue ?? "?"): only an open home visit can be completed")
            }
            guard let patient = Attachment.id(r.json["subject"]?["reference"]?.stringValue, "Patient") else {
                throw FHIRError(422, "business-rule", "ServiceRequest/\(id) has no patient")
            }
            let organization = (r.json["supportingInfo"]?.arrayValue ?? []).lazy.compactMap { Attachment.id($0["reference"]?.stringValue, "Organization") }.first
            let assigned = (r.json["performer"]?.arrayValue ?? []).lazy.compactMap { Attachment.id($0["reference"]?.stringValue, "Practitioner") }.first
            let record = try await Self.record(tx, patient: patient, practitioner: practitioner ?? assigned, organization: organization, kind: "HH",
                                               start: nil, appointment: nil, basedOn: id, outcome: outcome, now: now)
            o["status"] = "completed"
            _ = try await tx.update("ServiceRequest", id, .object(o))
            return record
        }
    }

    static func check(_ outcome: Outcome) throws(FHIRError) {
        var issues: [OutcomeIssue] = []
        for (i, d) in outcome.diagnoses.enumerated() where !isICD10(d.code) {
            issues.append(OutcomeIssue(code: "code-invalid", diagnostics: "'\(d.code)' is not an ICD-10 code (like J06.9)", expression: "diagnosis[\(i)]"))
        }
        for (i, r) in outcome.referrals.enumerated() where r.trimmingCharacters(in: .whitespaces).isEmpty {
            issues.append(OutcomeIssue(code: "required", diagnostics: "A referral must say what it is for", expression: "referral[\(i)]"))
        }
        for (i, m) in outcome.measurements.enumerated() where !m.kind.plausible.contains(m.value) {
            issues.append(OutcomeIssue(code: "value", diagnostics: "\(m.kind.rawValue) \(m.value) \(m.kind.unit) is outside \(m.kind.plausible.lowerBound)–\(m.kind.plausible.upperBound)",
                                       expression: "measurement[\(i)].\(m.kind.rawValue)"))
        }
        let pressure = Set(outcome.measurements.map(\.kind)).intersection([.systolic, .diastolic])
        if pressure.count == 1 {
            issues.append(OutcomeIssue(code: "required", diagnostics: "Blood pressure needs both the systolic and the diastolic value", expression: "measurement.bloodPressure"))
        }
        for (i, p) in outcome.prescriptions.enumerated() where p.medication.trimmingCharacters(in: .whitespaces).isEmpty {
            issues.append(OutcomeIssue(code: "required", diagnostics: "A prescription must name the medicine", expression: "prescription[\(i)].medication"))
        }
        if !issues.isEmpty { throw FHIRError(status: 400, issues: issues) }
    }

    static func record(_ tx: StoreTransaction, patient: String, practitioner: String?, organization: String?, kind: String,
                       start: String?, appointment: String?, basedOn: String?, outcome: Outcome, now: Date) async throws -> Record {
        let nowText = Instant(millis: Int64(now.timeIntervalSince1970 * 1000)).iso
        let subject: JSON = ["reference": .string("Patient/\(patient)")]
        let displays = ["AMB": "ambulatory", "VR": "virtual", "HH": "home health"]
        var encounter = JSONObject()
        encounter["resourceType"] = "Encounter"
        encounter["status"] = "finished"
        encounter["class"] = ["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": .string(kind), "display": .string(displays[kind] ?? kind)]
        encounter["subject"] = subject
        if let practitioner { encounter["participant"] = [["individual": ["reference": .string("Practitioner/\(practitioner)")]]] }
        if let appointment { encounter["appointment"] = [["reference": .string("Appointment/\(appointment)")]] }
        if let basedOn { encounter["basedOn"] = [["reference": .string("ServiceRequest/\(basedOn)")]] }
        if let organization { encounter["serviceProvider"] = ["reference": .string("Organization/\(organization)")] }
        encounter["period"] = ["start": .string(start.map { min($0, nowText) } ?? nowText), "end": .string(nowText)]
        let stored = try await tx.create("Encounter", .object(encounter))
        let context: JSON = ["reference": .string("Encounter/\(stored.id)")]
        let requester: JSON? = practitioner.map { ["reference": .string("Practitioner/\($0)")] }

        var writes: [StoreTransaction.Write] = []
        for d in outcome.diagnoses {
            var coding: JSON = ["system": .string(icd10System), "code": .string(d.code)]
            if let display = d.display, case .object(var c) = coding { c["display"] = .string(display); coding = .object(c) }
            writes.append(.init("Condition", [
                "resourceType": "Condition", "subject": subject, "encounter": context, "recordedDate": .string(nowText),
                "clinicalStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]],
                "verificationStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"]]],
                "category": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "encounter-diagnosis"]]]],
                "code": ["coding": [coding]],
            ]))
        }
        for r in outcome.referrals {
            var o: JSON = ["resourceType": "ServiceRequest", "status": "active", "intent": "order", "subject": subject, "encounter": context,
                                 "authoredOn": .string(nowText), "code": ["text": .string(r)],
                                 "category": [["coding": [["system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral"]]]]]
            if let requester { Self.set(&o, "requester", requester) }
            writes.append(.init("ServiceRequest", o))
        }
        for p in outcome.prescriptions {
            var o: JSON = ["resourceType": "MedicationRequest", "status": "active", "intent": "order", "subject": subject, "encounter": context,
                                 "authoredOn": .string(nowText), "medicationCodeableConcept": ["text": .string(p.medication)]]
            if let requester { Self.set(&o, "requester", requester) }
            if let dosage = p.dosage { Self.set(&o, "dosageInstruction", [["text": .string(dosage)]]) }
            writes.append(.init("MedicationRequest", o))
        }
        writes += Self.vitalSigns(outcome.measurements, subject: subject, encounter: context, performer: requester, at: nowText)
        if let note = outcome.note, !note.isEmpty {
            var o: JSON = ["resourceType": "DocumentReference", "status": "current", "subject": subject, "date": .string(nowText),
                                 "type": ["coding": [["system": "http://loinc.org", "code": "11506-3", "display": "Progress note"]]],
                                 "content": [["attachment": ["contentType": "text/plain; charset=utf-8", "data": .string(Data(note.utf8).base64EncodedString())]]],
                                 "context": ["encounter": [context]]]
            if let requester { Self.set(&o, "author", [requester]) }
            writes.append(.init("DocumentReference", o))
        }
        let written = try await tx.write(writes)
        let conditions = written.filter { $0.type == "Condition" }
        var encounterJSON = stored.json
        if !conditions.isEmpty, case .object(var e) = encounterJSON {
            e["diagnosis"] = .array(conditions.enumerated().map { i, c in ["condition": ["reference": .string("Condition/\(c.id)")], "rank": .number(String(i + 1))] })
            encounterJSON = .object(e)
        }
        let encounterStored = conditions.isEmpty ? stored : try await tx.update("Encounter", stored.id, encounterJSON)
        return Record(encounter: encounterStored, conditions: conditions, observations: written.filter { $0.type == "Observation" },
                      referrals: written.filter { $0.type == "ServiceRequest" },
                      prescriptions: written.filter { $0.type == "MedicationRequest" }, note: written.first { $0.type == "DocumentReference" })
    }

    /// One vital-signs Observation per measurement; systolic and diastolic as the components of one
    /// blood-pressure panel (LOINC 85354-9), as the FHIR vital-signs profile has it.
    static func vitalSigns(_ measurements: [Measurement], subject: JSON, encounter: JSON, performer: JSON?, at time: String) -> [StoreTransaction.Write] {
        func quantity(_ m: Measurement) -> JSON {
            ["value": .number(Self.decimal(m.value)), "unit": .string(m.kind.unit), "system": "http://unitsofmeasure.org", "code": .string(m.kind.unit)]
        }
        func code(_ code: String, _ display: String) -> JSON {
            ["coding": [["system": "http://loinc.org", "code": .string(code), "display": .string(display)]], "text": .string(display)]
        }
        func observation(_ code: JSON, _ key: String, _ value: JSON) -> StoreTransaction.Write {
            var o: JSON = ["resourceType": "Observation", "status": "final",
                           "category": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"]]]],
                           "code": code, "subject": subject, "encounter": encounter, "effectiveDateTime": .string(time)]
            if let performer { Self.set(&o, "performer", [performer]) }
            Self.set(&o, key, value)
            return .init("Observation", o)
        }
        var writes: [StoreTransaction.Write] = []
        let systolic = measurements.first { $0.kind == .systolic }, diastolic = measurements.first { $0.kind == .diastolic }
        if let systolic, let diastolic {
            writes.append(observation(code("85354-9", "Blood pressure panel"), "component", [
                ["code": code(Measurement.Kind.systolic.loinc.code, Measurement.Kind.systolic.loinc.display), "valueQuantity": quantity(systolic)],
                ["code": code(Measurement.Kind.diastolic.loinc.code, Measurement.Kind.diastolic.loinc.display), "valueQuantity": quantity(diastolic)],
            ]))
        }
        for m in measurements where m.kind != .systolic && m.kind != .diastolic {
            writes.append(observation(code(m.kind.loinc.code, m.kind.loinc.display), "valueQuantity", quantity(m)))
        }
        return writes
    }

    /// A decimal without a trailing `.0` (`36.6`, `72`).
    static func decimal(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    static func set(_ json: inout JSON, _ key: String, _ value: JSON) {
        if case .object(var o) = json { o[key] = value; json = .object(o) }
    }

}
