import FHIRJSON
import FHIRStore
import Foundation
import SQLKit

/// Attachment to primary care (seed 002, process 1.1): attach on a person's choice within the capacity of the
/// catchment areas, transfer, detach, and automatic assignment of unattached people to the nearest organisation
/// with room. Each change is one transaction that finishes the old `attachment` EpisodeOfCare, starts the new one,
/// keeps `Patient.generalPractitioner` and the `attachments` table in step — so the history is the finished
/// episodes, and the table's primary key guarantees one active attachment per person even under concurrent requests.
///
/// Callers check who may ask for what (a citizen for herself and her children, staff, administrators); the
/// service writes with the store's full access, inside the caller's audit trace.
public struct AttachmentService: Sendable {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// A catchment area as the service needs it.
    struct Area: Sendable {
        var id: String
        var organization: String
        var type: String
        var capacity: Int

        func serves(age: Int) -> Bool { Attachment.areaServes(type: type, age: age) }

        init?(_ json: JSON) {
            guard let id = json["id"]?.stringValue,
                  let org = Attachment.id(json["managingOrganization"]?["reference"]?.stringValue, "Organization") else { return nil }
            self.id = id
            organization = org
            type = (json["type"]?.arrayValue ?? []).flatMap { $0["coding"]?.arrayValue ?? [] }
                .first { $0["system"]?.stringValue == Attachment.areaTypeSystem }?["code"]?.stringValue ?? "gp"
            capacity = (json["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == Attachment.capacityExtension }?["valueInteger"]?.intValue ?? 0
        }
    }

    // MARK: - Queries

    /// The person's current attachment, nil when unattached.
    public func current(patient: String) async throws -> Attachment? {
        try await repository.database.read { db in try await Self.current(db, patient) }
    }

    static func current(_ db: any SQLDatabase, _ patient: String) async throws -> Attachment? {
        guard let row = try await db.raw("SELECT * FROM attachments WHERE patient = \(bind: patient)").all().first else { return nil }
        return Attachment(patient: patient, organization: try row.decode(column: "organization", as: String.self),
                          area: try row.decode(column: "area", as: String.self), episode: try row.decode(column: "episode", as: String.self),
                          since: try row.decode(column: "since", as: String.self))
    }

    /// The EpisodeOfCare of an attachment, read with the service's access (the caller's standing was checked when
    /// the service acted, and staff may not otherwise read patient data).
    public func episode(_ attachment: Attachment) async throws -> JSON {
        try await AccessScope.$current.withValue(.unrestricted) {
            try await repository.read(type: "EpisodeOfCare", id: attachment.episode).json
        }
    }

    /// How many people are attached to each of the given areas.
    static func counts(_ db: any SQLDatabase, areas: [String]) async throws -> [String: Int] {
        guard !areas.isEmpty else { return [:] }
        var out: [String: Int] = [:]
        for row in try await db.raw("SELECT area, COUNT(*) AS n FROM attachments WHERE area IN (\(binds: areas)) GROUP BY area").all() {
            out[try row.decode(column: "area", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }

    /// How many people are attached to each area that has anyone.
    static func allCounts(_ db: any SQLDatabase) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try await db.raw("SELECT area, COUNT(*) AS n FROM attachments GROUP BY area").all() {
            out[try row.decode(column: "area", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }

    // MARK: - Attach, transfer, detach

    /// Attaches `patient` to `organization` — to `area` when given, otherwise to an area of the organisation that
    /// serves the person's age and has room: one for their age group (paediatric, therapeutic) before a GP area,
    /// then the least filled. A person attached elsewhere is transferred (the old
    /// episode ends on `date`); asking for the current attachment again changes nothing.
    /// - Throws: 404 for an unknown person, organisation or area; 422 when the organisation is not a primary-care
    ///   one, the area is not the organisation's or does not serve the person's age, or the person has died;
    ///   409 when no suitable area has room.
    @discardableResult
    public func attach(patient: String, organization: String, area: String? = nil, reason: Reason = .choice,
                       on date: String = Self.today()) async throws -> Attachment {
        try await repository.serviceTransaction { tx in
            try await tx.lock("attach:" + patient)
            guard let person = try await tx.readForUpdate("Patient", [patient])[patient] else { throw FHIRError.notFound("Patient", patient) }
            guard let org = try await tx.read("Organization", organization) else { throw FHIRError.notFound("Organization", organization) }
            guard Self.isPrimaryCare(org.json) else {
                throw FHIRError(422, "business-rule", "Organization/\(organization) is not a primary-care organisation", expression: "organization")
            }
            var candidates: [Area] = []
            if let area {
                guard let location = try await tx.read("Location", area), let a = Area(location.json) else { throw FHIRError.notFound("Location", area) }
                guard a.organization == organization else {
                    throw FHIRError(422, "business-rule", "Location/\(area) is a catchment area of Organization/\(a.organization), not of Organization/\(organization)", expression: "area")
                }
                candidates = [a]
            } else {
                for id in try await tx.ids("Location", matching: "organization=Organization/\(organization)") {
                    if let l = try await tx.read("Location", id), let a = Area(l.json), a.capacity > 0 { candidates.append(a) }
                }
            }
            // An automatic assignment was nobody's choice: the person may choose at once.
            if reason == .choice, let existing = try await Self.current(tx.sql, patient), existing.organization != organization,
               try await Self.reason(tx, existing) != .automatic,
               let next = Self.date(existing.since, plusYears: 1), next > date {
                throw FHIRError(409, "business-rule", "The organisation can be changed by free choice once a year: Patient/\(patient) is attached since \(existing.since), the next free change is from \(next) (a move is reason 'relocation')", expression: "reason")
            }
            return try await Self.attach(tx, person: person.json, organization: organization, candidates: candidates, date: date, reason: reason)
        }
    }

    /// Why the attachment was made (its episode's `attachment-reason`).
    static func reason(_ tx: StoreTransaction, _ attachment: Attachment) async throws -> Reason? {
        guard let episode = try await tx.read("EpisodeOfCare", attachment.episode) else { return nil }
        return (episode.json["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == Attachment.reasonExtension }?["valueCode"]?.stringValue
            .flatMap(Reason.init(rawValue:))
    }

    /// Why a person changes organisation: free choice is limited to once a year (the attachment rules of the
    /// Ministry of Health); a move or the closing of the organisation is not.
    public enum Reason: String, Sendable, CaseIterable {
        case choice
        case relocation
        case organizationClosed = "organization-closed"
        /// By `$auto-attach`; not a reason a caller gives.
        case automatic

        /// The reasons a caller may give.
        public static var requestable: [Reason] { [.choice, .relocation, .organizationClosed] }
    }

    /// `YYYY-MM-DD` plus whole years (29 February becomes 28 February).
    static func date(_ date: String, plusYears years: Int) -> String? {
        guard date.count >= 10, let y = Int(date.prefix(4)) else { return nil }
        var rest = String(date.dropFirst(4).prefix(6))
        if rest == "-02-29" { rest = "-02-28" }
        return String(format: "%04d", y + years) + rest
    }

    /// Ends the person's attachment on `date`; returns it, or nil when there was none.
    @discardableResult
    public func detach(patient: String, on date: String = Self.today()) async throws -> Attachment? {
        try await repository.serviceTransaction { tx in
            try await tx.lock("attach:" + patient)
            guard let current = try await Self.current(tx.sql, patient) else { return nil }
            try await Self.finish(tx, current, date: date)
            if let person = try await tx.readForUpdate("Patient", [patient])[patient], case .object(var p) = person.json {
                p["generalPractitioner"] = nil
                _ = try await tx.update("Patient", patient, .object(p))
            }
            return current
        }
    }

    /// The core of attach and auto-assignment, inside a transaction that holds the person's lock.
    static func attach(_ tx: StoreTransaction, person: JSON, organization: String, candidates: [Area], date: String, reason: Reason) async throws -> Attachment {
        guard let patient = person["id"]?.stringValue else { throw FHIRError(400, "invalid", "The patient has no id") }
        if person["deceasedDateTime"] != nil || person["deceasedBoolean"]?.boolValue == true {
            throw FHIRError(422, "business-rule", "Patient/\(patient) has died and cannot be attached")
        }
        let age = Self.age(birthDate: person["birthDate"]?.stringValue, on: date)
        let fitting = candidates.filter { age.map($0.serves) ?? true }
        guard !fitting.isEmpty else {
            throw FHIRError(422, "business-rule", "No catchment area of Organization/\(organization) serves a person of \(age.map { "\($0) years" } ?? "unknown age")")
        }
        let existing = try await current(tx.sql, patient)
        if let existing, existing.organization == organization, fitting.contains(where: { $0.id == existing.area }) { return existing }
        // Lock the areas in one order (by id), so that two transfers cannot wait on each other.
        for a in fitting.sorted(by: { $0.id < $1.id }) { try await tx.lock("area:" + a.id) }
        let counts = try await Self.counts(tx.sql, areas: fitting.map(\.id))
        guard let chosen = fitting
            .filter({ (counts[$0.id] ?? 0) < $0.capacity })
            .min(by: { ($0.type == "gp" ? 1 : 0, Double(counts[$0.id] ?? 0) / Double($0.capacity)) < ($1.type == "gp" ? 1 : 0, Double(counts[$1.id] ?? 0) / Double($1.capacity)) })
        else {
            throw FHIRError(409, "business-rule", "The catchment areas of Organization/\(organization) that serve this person are full")
        }
        if let existing { try await finish(tx, existing, date: date) }
        // The area's district doctor becomes the episode's care manager.
        var careManager: String?
        if let roleId = try await tx.ids("PractitionerRole", matching: "location=Location/\(chosen.id)").first,
           let role = try await tx.read("PractitionerRole", roleId) {
            careManager = Attachment.id(role.json["practitioner"]?["reference"]?.stringValue, "Practitioner")
        }
        var attachment = Attachment(patient: patient, organization: organization, area: chosen.id, episode: "", since: date)
        let episode = try await tx.create("EpisodeOfCare", attachment.episodeResource(careManager: careManager, reason: reason))
        attachment.episode = episode.id
        try await record(tx.sql, attachment)
        if case .object(var p) = person {
            let reference: JSON = [["reference": .string("Organization/\(organization)")]]
            if p["generalPractitioner"] != reference {
                p["generalPractitioner"] = reference
                _ = try await tx.update("Patient", patient, .object(p))
            }
        }
        return attachment
    }

    /// Records `attachment` as the person's current one (replacing any row: the caller has finished the old episode).
    public static func record(_ db: any SQLDatabase, _ attachment: Attachment) async throws {
        try await db.raw("""
            INSERT INTO attachments (patient, organization, area, episode, since)
            VALUES (\(bind: attachment.patient), \(bind: attachment.organization), \(bind: attachment.area), \(bind: attachment.episode), \(bind: attachment.since))
            ON CONFLICT (patient) DO UPDATE SET organization = excluded.organization, area = excluded.area,
              episode = excluded.episode, since = excluded.since
            """).run()
    }

    /// Ends an attachment: its episode becomes `finished` with `period.end`, its row goes.
    static func finish(_ tx: StoreTransaction, _ attachment: Attachment, date: String) async throws {
        if let episode = try await tx.read("EpisodeOfCare", attachment.episode), case .object(var e) = episode.json {
            e["status"] = "finished"
            var period = e["period"]?.objectValue ?? JSONObject()
            period["end"] = .string(max(date, period["start"]?.stringValue ?? date))
            e["period"] = .object(period)
            _ = try await tx.update("EpisodeOfCare", attachment.episode, .object(e))
        }
        try await tx.sql.raw("DELETE FROM attachments WHERE patient = \(bind: attachment.patient)").run()
    }

    // MARK: - Helpers

    static func isPrimaryCare(_ organization: JSON) -> Bool {
        (organization["type"]?.arrayValue ?? []).flatMap { $0["coding"]?.arrayValue ?? [] }
            .contains { $0["system"]?.stringValue == "http://densauluq.kz/fhir/CodeSystem/organization-type" && $0["code"]?.stringValue == "phc" }
    }

    /// Full years between `birthDate` (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`) and `date` (`YYYY-MM-DD`).
    static func age(birthDate: String?, on date: String) -> Int? {
        guard let birthDate, let by = Int(birthDate.prefix(4)), let y = Int(date.prefix(4)) else { return nil }
        let birthDay = birthDate.count >= 10 ? String(birthDate.dropFirst(5).prefix(5)) : "01-01"
        let day = String(date.dropFirst(5).prefix(5))
        return y - by - (day < birthDay ? 1 : 0)
    }

    /// Today as `YYYY-MM-DD` (UTC).
    public static func today() -> String { String(Instant.now().iso.prefix(10)) }
}
