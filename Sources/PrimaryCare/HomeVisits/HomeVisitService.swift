import FHIRJSON
import FHIRStore
import Foundation

/// Requesting a doctor at home (seed 002, process 1.2): the request must give a reason; the nearest available
/// district doctor of the organisation the person is attached to is assigned, by the distance from the person's
/// home to where the doctor is: the position the doctor last reported (`report(position:)`, from their phone) if
/// it is recent, else their catchment area's `position`, else the organisation's address. The request is a
/// ServiceRequest of category `home-visit` whose status and performer the person sees.
public struct HomeVisitService: Sendable {
    public let repository: Repository
    /// Home visits a doctor takes a day before counting as unavailable.
    public var visitsPerDay: Int

    /// How long a reported position stands for where the doctor is.
    public var positionLifetime: TimeInterval

    public init(repository: Repository, visitsPerDay: Int = 10, positionLifetime: TimeInterval = 2 * 3600) {
        self.repository = repository
        self.visitsPerDay = visitsPerDay
        self.positionLifetime = positionLifetime
    }

    /// Records where the doctor of `role` is now (WGS84 degrees).
    /// - Throws: 400 for coordinates out of range; 404 unknown role.
    public func report(role: String, latitude: Double, longitude: Double, now: Date = Date()) async throws {
        guard (-90...90).contains(latitude) else { throw FHIRError(400, "invalid", "latitude must be between -90 and 90, not \(latitude)", expression: "latitude") }
        guard (-180...180).contains(longitude) else { throw FHIRError(400, "invalid", "longitude must be between -180 and 180, not \(longitude)", expression: "longitude") }
        try await repository.serviceTransaction { tx in
            guard try await tx.read("PractitionerRole", role) != nil else { throw FHIRError.notFound("PractitionerRole", role) }
            try await tx.sql.raw("DELETE FROM practitioner_positions WHERE role = \(bind: role)").run()
            try await tx.sql.raw("""
                INSERT INTO practitioner_positions (role, latitude, longitude, reported)
                VALUES (\(bind: role), \(bind: latitude), \(bind: longitude), \(bind: Instant(now).iso))
                """).run()
        }
    }

    public static let categorySystem = "http://densauluq.kz/fhir/CodeSystem/service-category"
    public static let category = "home-visit"

    /// A doctor who can be sent.
    struct Candidate {
        var role: String
        var practitioner: String
        var latitude: Double
        var longitude: Double
        var areaType: String
        var open: Int
    }

    /// Records a home-visit request and assigns a doctor; answers the ServiceRequest. When no doctor is
    /// available it is kept unassigned (status `active`, no performer) for the organisation to assign.
    /// - Throws: 400 without a reason; 404 unknown person; 422 dead or not attached.
    public func request(patient: String, reason: String, now: Date = Date()) async throws -> StoredResource {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw FHIRError(400, "required", "A home visit needs a reason: say what is wrong", expression: "reason") }
        guard reason.count <= 1_000 else { throw FHIRError(400, "too-long", "The reason is longer than 1,000 characters", expression: "reason") }
        return try await repository.serviceTransaction { tx in
            guard let person = try await tx.read("Patient", patient) else { throw FHIRError.notFound("Patient", patient) }
            if person.json["deceasedDateTime"] != nil || person.json["deceasedBoolean"]?.boolValue == true {
                throw FHIRError(422, "business-rule", "Patient/\(patient) has died", expression: "patient")
            }
            guard let attachment = try await AttachmentService.current(tx.sql, patient) else {
                throw FHIRError(422, "business-rule", "Patient/\(patient) is not attached to primary care: a home visit is made by the organisation one is attached to", expression: "patient")
            }
            // Assignments at one organisation one at a time, so that the day's counts are right.
            try await tx.lock("home-visit:" + attachment.organization)
            let today = Instant(now).dateInKazakhstan
            let home = AttachmentService.home(person.json)
            let age = AttachmentService.age(birthDate: person.json["birthDate"]?.stringValue, on: today)
            let since = Instant(now.addingTimeInterval(-positionLifetime)).iso
            let chosen = try await Self.nearestAvailable(tx, organization: attachment.organization, home: home, age: age, today: today, limit: visitsPerDay,
                                                         reportedSince: since)
            var request = JSONObject()
            request["resourceType"] = "ServiceRequest"
            request["status"] = "active"
            request["intent"] = "order"
            request["category"] = [["coding": [["system": .string(Self.categorySystem), "code": .string(Self.category), "display": "Вызов врача на дом"]]]]
            request["code"] = ["coding": [["system": .string(Self.categorySystem), "code": .string(Self.category)]], "text": "Вызов врача на дом"]
            request["subject"] = ["reference": .string("Patient/\(patient)")]
            request["requester"] = ["reference": .string("Patient/\(patient)")]
            request["authoredOn"] = .string(Instant(millis: Int64(now.timeIntervalSince1970 * 1000)).iso)
            request["occurrenceDateTime"] = .string(today)
            request["reasonCode"] = [["text": .string(reason)]]
            request["supportingInfo"] = [["reference": .string("Organization/\(attachment.organization)")]]
            if let chosen {
                request["performer"] = [["reference": .string("Practitioner/\(chosen.candidate.practitioner)")],
                                        ["reference": .string("PractitionerRole/\(chosen.candidate.role)")]]
                if let km = chosen.kilometres { request["note"] = [["text": .string(String(format: "%.1f km", km))]] }
            }
            return try await tx.create("ServiceRequest", .object(request))
        }
    }

    /// Cancels a request that is still open.
    public func cancel(request id: String) async throws -> StoredResource {
        try await repository.serviceTransaction { tx in
            guard let r = try await tx.readForUpdate("ServiceRequest", [id])[id], case .object(var o) = r.json, Self.isHomeVisit(r.json) else {
                throw FHIRError.notFound("ServiceRequest", id)
            }
            guard o["status"]?.stringValue == "active" else {
                throw FHIRError(409, "business-rule", "ServiceRequest/\(id) is \(o["status"]?.stringValue ?? "?"): only an open request can be cancelled")
            }
            o["status"] = "revoked"
            return try await tx.update("ServiceRequest", id, .object(o))
        }
    }

    /// The patient and organisation of a request, for caller checks.
    public func parties(request id: String) async throws -> (patient: String, organization: String) {
        try await repository.serviceTransaction { tx in
            guard let r = try await tx.read("ServiceRequest", id), Self.isHomeVisit(r.json),
                  let patient = Attachment.id(r.json["subject"]?["reference"]?.stringValue, "Patient"),
                  let org = (r.json["supportingInfo"]?.arrayValue ?? []).lazy.compactMap({ Attachment.id($0["reference"]?.stringValue, "Organization") }).first
            else { throw FHIRError.notFound("ServiceRequest", id) }
            return (patient, org)
        }
    }

    static func isHomeVisit(_ request: JSON) -> Bool {
        (request["category"]?.arrayValue ?? []).flatMap { $0["coding"]?.arrayValue ?? [] }
            .contains { $0["system"]?.stringValue == categorySystem && $0["code"]?.stringValue == category }
    }

    /// The nearest district doctor of `organization` who serves the person's age and has fewer than `limit` open
    /// home visits today, and is not marked unavailable today; nearest first, then the least busy.
    static func nearestAvailable(_ tx: StoreTransaction, organization: String, home: (latitude: Double, longitude: Double)?,
                                 age: Int?, today: String, limit: Int, reportedSince: String) async throws -> (candidate: Candidate, kilometres: Double?)? {
        guard let org = try await tx.read("Organization", organization) else { return nil }
        var reported: [String: (Double, Double)] = [:]
        for row in try await tx.sql.raw("SELECT role, latitude, longitude FROM practitioner_positions WHERE reported >= \(bind: reportedSince)").all() {
            reported[try row.decode(column: "role", as: String.self)] = (try row.decode(column: "latitude", as: Double.self), try row.decode(column: "longitude", as: Double.self))
        }
        let orgPoint = (org.json["address"]?.arrayValue ?? []).lazy.compactMap(CareMap.coordinates).first
        var candidates: [Candidate] = []
        for role in try await tx.resources("PractitionerRole", matching: "organization=Organization/\(organization)") where role.json["active"]?.boolValue != false {
            guard let practitioner = Attachment.id(role.json["practitioner"]?["reference"]?.stringValue, "Practitioner"),
                  let areaId = (role.json["location"]?.arrayValue ?? []).lazy.compactMap({ Attachment.id($0["reference"]?.stringValue, "Location") }).first,
                  !unavailable(role.json, on: today) else { continue }
            let area = try await tx.read("Location", areaId)
            let type = (area?.json["type"]?.arrayValue ?? []).flatMap { $0["coding"]?.arrayValue ?? [] }
                .first { $0["system"]?.stringValue == Attachment.areaTypeSystem }?["code"]?.stringValue ?? "gp"
            let position = reported[role.id] ?? area.flatMap { a -> (Double, Double)? in
                guard let lat = a.json["position"]?["latitude"]?.doubleValue, let lon = a.json["position"]?["longitude"]?.doubleValue else { return nil }
                return (lat, lon)
            } ?? orgPoint.map { ($0.latitude, $0.longitude) }
            guard let position else { continue }
            let open = try await tx.ids("ServiceRequest", matching: "performer=Practitioner/\(practitioner)&status=active&category=\(categorySystem)|\(category)&occurrence=\(today)").count
            guard open < limit else { continue }
            candidates.append(Candidate(role: role.id, practitioner: practitioner, latitude: position.0, longitude: position.1,
                                        areaType: type, open: open))
        }
        let fitting = candidates.filter { Attachment.areaServes(type: $0.areaType, age: age) }
        let pool = fitting.isEmpty ? candidates : fitting
        guard let home else { return pool.min { $0.open < $1.open }.map { ($0, nil) } }
        let ranked = pool.map { ($0, CareMap.kilometres(home.latitude, home.longitude, $0.latitude, $0.longitude)) }
        return ranked.min { ($0.1, $0.0.open) < ($1.1, $1.0.open) }.map { ($0.0, $0.1) }
    }

    /// Whether `PractitionerRole.notAvailable` covers `day`.
    static func unavailable(_ role: JSON, on day: String) -> Bool {
        (role["notAvailable"]?.arrayValue ?? []).contains { n in
            let start = n["during"]?["start"]?.stringValue.map { String($0.prefix(10)) } ?? "0000-01-01"
            let end = n["during"]?["end"]?.stringValue.map { String($0.prefix(10)) } ?? "9999-12-31"
            return start <= day && day <= end
        }
    }

}
