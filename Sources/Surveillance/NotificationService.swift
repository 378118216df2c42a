import FHIRJSON
import FHIRStore
import Foundation
import KazakhstanRegions
import SQLKit

/// Receiving emergency notifications of infectious diseases (seed 002, process 5.2; seed 000, the case registry):
/// each notification becomes a case in the journal, or is merged into the case it repeats, so that a person
/// notified twice — by the polyclinic and then the hospital, or resent by a system — is counted once.
public struct NotificationService: Sendable {
    public let repository: Repository
    /// A second notification of the same acute disease for the same person whose onset is within this many days
    /// of the case's is the same case.
    public var sameEpisodeDays: Int

    /// Chronic infections (tuberculosis, chronic hepatitis, HIV): a person has at most one open case of each.
    public static let chronic: Set<String> = ["A15", "A16", "A17", "A18", "A19", "B18", "B20", "B21", "B22", "B23", "B24"]

    public enum Channel: String, Sendable { case electronic, manual }

    public struct Outcome: Sendable {
        public var condition: StoredResource
        public var record: CaseRecord
        /// The notification repeated a known case and was merged into it.
        public var merged: Bool
    }

    public init(repository: Repository, sameEpisodeDays: Int = 30) {
        self.repository = repository
        self.sameEpisodeDays = sameEpisodeDays
    }

    static let communicationCategory = "http://densauluq.kz/fhir/CodeSystem/communication-category"

    /// Receives one notification.
    /// - Parameters:
    ///   - organization: the caller's organisation, used when the notification does not name one.
    ///   - channel: electronic (an information system or a clinician's form) or manual (typed in from paper).
    /// - Throws: 400/422 naming each problem; 404 unknown patient.
    public func notify(_ condition: JSON, location: String = "Condition", organization caller: String?, channel: Channel,
                       now: Date = Date()) async throws -> Outcome {
        let today = Self.day(now)
        let notification = try CaseNotification(condition, location: location, today: today)
        guard let organization = notification.organization ?? caller else {
            throw FHIRError(422, "required", "The notifying organisation is unknown: give extension(notifying-organization)", expression: location + ".extension")
        }
        let instant = Self.instant(now)
        return try await repository.serviceTransaction { tx in
            guard let person = try await tx.read("Patient", notification.patient) else {
                throw FHIRError(404, "not-found", "Patient/\(notification.patient) does not exist", expression: location + ".subject")
            }
            guard try await tx.read("Organization", organization) != nil else {
                throw FHIRError(422, "not-found", "Organization/\(organization) does not exist", expression: location + ".extension(notifying-organization)")
            }
            let place = try Self.place(notification.settlement, person: person.json, location: location)
            // Notifications of one person and disease one at a time, so that two at once make one case.
            try await tx.lock("case:\(notification.patient):\(notification.disease)")
            let open = try await tx.sql.raw("""
                SELECT \(unsafeRaw: CaseRecord.columns) FROM surveillance_cases WHERE patient = \(bind: notification.patient)
                  AND disease = \(bind: notification.disease) AND status <> 'discarded' ORDER BY onset DESC
                """).all().map(CaseRecord.init(row:))
            let same = open.first { Self.chronic.contains(notification.disease) || Self.daysBetween($0.onset, notification.onset) <= sameEpisodeDays }
            let outcome: Outcome
            if let same, let stored = try await tx.readForUpdate("Condition", [same.condition])[same.condition] {
                var record = same
                var status = same.status
                if notification.status != same.status, same.status.canBecome(notification.status) { status = notification.status }
                record.status = status
                record.onset = min(same.onset, notification.onset)
                record.diagnosed = min(same.diagnosed, notification.diagnosed)
                record.laboratory = same.laboratory || notification.laboratoryConfirmed
                record.notifications += 1
                record.electronic += channel == .electronic ? 1 : 0
                record.updated = instant
                let json = Self.merged(stored.json, with: notification, status: status, onset: record.onset, recorded: record.diagnosed)
                let written = try await tx.update("Condition", same.condition, json)
                try await record.update(tx.sql)
                outcome = Outcome(condition: written, record: record, merged: true)
            } else {
                let json = Self.caseResource(condition, notification, settlement: place.settlement, organization: organization)
                let created = try await tx.create("Condition", json)
                let record = CaseRecord(condition: created.id, patient: notification.patient, disease: notification.disease, code: notification.code,
                                        region: place.region, district: place.district, settlement: place.settlement, organization: organization,
                                        onset: notification.onset, diagnosed: notification.diagnosed, status: notification.status,
                                        laboratory: notification.laboratoryConfirmed, notifications: 1, electronic: channel == .electronic ? 1 : 0,
                                        received: instant, updated: instant)
                try await record.insert(tx.sql)
                outcome = Outcome(condition: created, record: record, merged: false)
            }
            _ = try await tx.create("Communication", Self.receipt(outcome.record, organization: organization, channel: channel, sent: instant, merged: outcome.merged))
            return outcome
        }
    }

    /// Moves a case to `status` (suspected → confirmed or discarded, confirmed → discarded), with laboratory
    /// results as evidence.
    /// - Throws: 404 unknown case; 422 a change the rules do not allow.
    public func setStatus(condition id: String, to status: CaseStatus, evidence: [String] = [], now: Date = Date()) async throws -> (StoredResource, CaseRecord) {
        try await repository.serviceTransaction { tx in
            guard var record = try await tx.sql.raw("SELECT \(unsafeRaw: CaseRecord.columns) FROM surveillance_cases WHERE condition = \(bind: id)")
                .first().map(CaseRecord.init(row:)), let stored = try await tx.readForUpdate("Condition", [id])[id] else {
                throw FHIRError(404, "not-found", "Condition/\(id) is not a notified case")
            }
            guard record.status.canBecome(status) else {
                throw FHIRError(422, "business-rule", "A \(record.status.rawValue) case cannot become \(status.rawValue)", expression: "status")
            }
            for (i, e) in evidence.enumerated() where !(e.hasPrefix("Observation/") || e.hasPrefix("DiagnosticReport/")) {
                throw FHIRError(400, "invalid", "Laboratory evidence must be an Observation or a DiagnosticReport, not \(e)", expression: "evidence[\(i)]")
            }
            guard case .object(var o) = stored.json else { throw FHIRError(500, "exception", "Condition/\(id) is not an object") }
            o["verificationStatus"] = Self.verification(status)
            Self.addEvidence(&o, evidence)
            let written = try await tx.update("Condition", id, .object(o))
            record.status = status
            record.laboratory = record.laboratory || !evidence.isEmpty
            record.updated = Self.instant(now)
            try await record.update(tx.sql)
            return (written, record)
        }
    }

    // MARK: - Place

    struct Place { var region: String; var district: String?; var settlement: String? }

    /// The case's place: the notified settlement, else the KATO of the person's home address, else their region by name.
    static func place(_ settlement: String?, person: JSON, location: String) throws(FHIRError) -> Place {
        let addresses = person["address"]?.arrayValue ?? []
        let home = addresses.first { $0["use"]?.stringValue == "home" } ?? addresses.first
        let kato = settlement ?? (home?["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == CaseNotification.katoExtension }?["valueCode"]?.stringValue
        if let kato, let region = Region.of(kato: kato) {
            let district = String(kato.prefix(4)) + "00000"
            return Place(region: region.kato, district: district == region.kato ? nil : district, settlement: kato)
        }
        if let state = home?["state"]?.stringValue, let region = Regions.find(state) {
            return Place(region: region.kato, district: nil, settlement: nil)
        }
        throw FHIRError(422, "required", "The place of the case is unknown: give the settlement's KATO code in extension(kato), or the patient's home address",
                        expression: location + ".extension(kato)")
    }

    // MARK: - Resources

    static func verification(_ status: CaseStatus) -> JSON {
        ["coding": [["system": .string(CaseStatus.verificationSystem), "code": .string(status.verificationCode)]]]
    }

    static func addEvidence(_ o: inout JSONObject, _ references: [String]) {
        guard !references.isEmpty else { return }
        var evidence = o["evidence"]?.arrayValue ?? []
        let known = Set(evidence.flatMap { ($0["detail"]?.arrayValue ?? []).compactMap { $0["reference"]?.stringValue } })
        for r in references where !known.contains(r) { evidence.append(["detail": [["reference": .string(r)]]]) }
        o["evidence"] = .array(evidence)
    }

    /// The new case's Condition: the notification as sent, with the profile, the resolved place and notifier.
    static func caseResource(_ condition: JSON, _ n: CaseNotification, settlement: String?, organization: String) -> JSON {
        guard case .object(var o) = condition else { return condition }
        o["id"] = nil
        var meta = o["meta"]?.objectValue ?? JSONObject()
        var profiles = meta["profile"]?.arrayValue ?? []
        if !profiles.contains(.string(CaseNotification.profile)) { profiles.append(.string(CaseNotification.profile)) }
        meta["profile"] = .array(profiles)
        meta["versionId"] = nil
        meta["lastUpdated"] = nil
        o["meta"] = .object(meta)
        if o["clinicalStatus"] == nil {
            o["clinicalStatus"] = ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"]]]
        }
        o["verificationStatus"] = verification(n.status)
        var extensions = (o["extension"]?.arrayValue ?? []).filter {
            $0["url"]?.stringValue != CaseNotification.katoExtension && $0["url"]?.stringValue != CaseNotification.notifierExtension
        }
        if let settlement { extensions.append(["url": .string(CaseNotification.katoExtension), "valueCode": .string(settlement)]) }
        extensions.append(["url": .string(CaseNotification.notifierExtension), "valueReference": ["reference": .string("Organization/\(organization)")]])
        o["extension"] = .array(extensions)
        return .object(o)
    }

    /// The known case's Condition after a repeated notification: status, earliest dates, all evidence.
    static func merged(_ stored: JSON, with n: CaseNotification, status: CaseStatus, onset: String, recorded: String) -> JSON {
        guard case .object(var o) = stored else { return stored }
        o["verificationStatus"] = verification(status)
        if onset != String((o["onsetDateTime"]?.stringValue ?? "").prefix(10)) { o["onsetDateTime"] = .string(onset); o["onsetPeriod"] = nil }
        if recorded != String((o["recordedDate"]?.stringValue ?? "").prefix(10)) { o["recordedDate"] = .string(recorded) }
        addEvidence(&o, n.evidence)
        return .object(o)
    }

    /// The record that a notification was received: who sent it, when, by which channel, about which case.
    static func receipt(_ record: CaseRecord, organization: String, channel: Channel, sent: String, merged: Bool) -> JSON {
        [
            "resourceType": "Communication",
            "status": "completed",
            "category": [["coding": [["system": .string(communicationCategory), "code": "emergency-notification", "display": "Экстренное извещение"]]]],
            "medium": [["coding": [["system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode",
                                    "code": .string(channel == .electronic ? "ELECTRONIC" : "WRITTEN")]]]],
            "subject": ["reference": .string("Patient/\(record.patient)")],
            "about": [["reference": .string("Condition/\(record.condition)")]],
            "sender": ["reference": .string("Organization/\(organization)")],
            "sent": .string(sent),
            "payload": [["contentString": .string("\(record.code) \(record.status.rawValue)\(merged ? " (repeated notification, merged)" : "")")]],
        ]
    }

    // MARK: - Dates

    /// The date in Kazakhstan (UTC+5).
    static func day(_ date: Date) -> String { Instant(date).dateInKazakhstan }
    static func instant(_ date: Date) -> String { Instant(date).iso }

    static func daysBetween(_ a: String, _ b: String) -> Int {
        guard let x = CaseCalendar.dayNumber(a), let y = CaseCalendar.dayNumber(b) else { return .max }
        return abs(x - y)
    }
}
