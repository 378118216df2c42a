import FHIRJSON
import FHIRStore
import Foundation
import KazakhstanRegions
import PandemicRegime
import SQLKit

/// Daily reports of the infectious-disease bed fund by hospital (seed 000, 2.6), and the occupancy ПЗК per
/// region that the restriction rule needs. A report is a `MeasureReport` (measure `infectious-bed-occupancy`,
/// reporter the hospital, date the day, populations `deployed` and `occupied`); the latest one per hospital and
/// day counts, so a corrected report replaces the first.
public struct BedReports: Sendable {
    public let repository: Repository
    public static let measure = "http://densauluq.kz/fhir/Measure/infectious-bed-occupancy"
    static let populationSystem = "http://densauluq.kz/fhir/CodeSystem/bed-count"

    public init(repository: Repository) { self.repository = repository }

    /// Records that `organization` had `occupied` of `deployed` infectious beds on `day`.
    /// - Throws: 400 for impossible counts or dates; 404 unknown organisation; 422 no region for it.
    public func report(organization: String, day: String, deployed: Int, occupied: Int) async throws -> StoredResource {
        var issues: [OutcomeIssue] = []
        if deployed < 0 { issues.append(OutcomeIssue(code: "value", diagnostics: "deployed beds cannot be negative", expression: "deployed")) }
        if occupied < 0 { issues.append(OutcomeIssue(code: "value", diagnostics: "occupied beds cannot be negative", expression: "occupied")) }
        if occupied > deployed && deployed >= 0 { issues.append(OutcomeIssue(code: "business-rule", diagnostics: "\(occupied) occupied beds of \(deployed) deployed: more patients than beds", expression: "occupied")) }
        if CaseCalendar.dayNumber(day) == nil || day.count != 10 { issues.append(OutcomeIssue(code: "value", diagnostics: "'\(day)' is not a date (YYYY-MM-DD)", expression: "day")) }
        if !issues.isEmpty { throw FHIRError(status: 400, issues: issues) }
        return try await repository.serviceTransaction { tx in
            guard let org = try await tx.read("Organization", organization) else { throw FHIRError(404, "not-found", "Organization/\(organization) does not exist", expression: "organization") }
            guard let region = Self.region(of: org.json) else {
                throw FHIRError(422, "business-rule", "Organization/\(organization) has no address with a KATO code or region: its beds cannot be counted in a region", expression: "organization")
            }
            let report: JSON = [
                "resourceType": "MeasureReport", "status": "complete", "type": "summary", "measure": .string(Self.measure),
                "date": .string(day), "period": ["start": .string(day), "end": .string(day)],
                "reporter": ["reference": .string("Organization/\(organization)")],
                "group": [["population": [
                    ["code": ["coding": [["system": .string(Self.populationSystem), "code": "deployed"]]], "count": .number(String(deployed))],
                    ["code": ["coding": [["system": .string(Self.populationSystem), "code": "occupied"]]], "count": .number(String(occupied))],
                ]]],
            ]
            let stored = try await tx.create("MeasureReport", report)
            try await tx.sql.raw("DELETE FROM surveillance_beds WHERE organization = \(bind: organization) AND day = \(bind: day)").run()
            try await tx.sql.raw("""
                INSERT INTO surveillance_beds (organization, day, region, deployed, occupied, report)
                VALUES (\(bind: organization), \(bind: day), \(bind: region), \(bind: deployed), \(bind: occupied), \(bind: stored.id))
                """).run()
            return stored
        }
    }

    /// Occupancy per region on `day`: each hospital's latest report of the last `days` days up to `day`.
    public func occupancy(on day: String, days: Int = 7) async throws -> [String: (occupied: Int, deployed: Int)] {
        guard let n = CaseCalendar.dayNumber(day) else { return [:] }
        let from = CaseCalendar.date(n - days + 1)
        let rows = try await repository.database.read { db in
            try await db.raw("""
                SELECT b.region, b.deployed, b.occupied FROM surveillance_beds b
                WHERE b.day = (SELECT MAX(c.day) FROM surveillance_beds c WHERE c.organization = b.organization AND c.day >= \(bind: from) AND c.day <= \(bind: day))
                """).all()
        }
        var out: [String: (occupied: Int, deployed: Int)] = [:]
        for row in rows {
            let region = try row.decode(column: "region", as: String.self)
            var cell = out[region] ?? (0, 0)
            cell.occupied += try row.decode(column: "occupied", as: Int.self)
            cell.deployed += try row.decode(column: "deployed", as: Int.self)
            out[region] = cell
        }
        return out
    }

    /// The region of an organisation: the KATO code of its address, else the region's name in `address.state`.
    static func region(of organization: JSON) -> String? {
        for address in organization["address"]?.arrayValue ?? [] {
            let kato = (address["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == CaseNotification.katoExtension }?["valueCode"]?.stringValue
            if let kato, let r = Region.of(kato: kato) { return r.kato }
            if let state = address["state"]?.stringValue, let r = Regions.find(state) { return r.kato }
        }
        return nil
    }
}
