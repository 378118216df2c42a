import DatabaseTesting
import Foundation
import FHIRJSON
import FHIRStore
import PandemicRegime
import SQLKit
import Surveillance
import Testing

/// The restriction rule per region from the case table and bed reports, on SQLite and PostgreSQL.
@Suite struct RegimeAssessmentTests {
    /// Cases straight into the case table (the notification path is tested on its own): `perDay[i]` cases on day i.
    static func cases(_ repo: Repository, region: String, perDay: [Int], lastDay: String) async throws {
        guard let end = CaseCalendar.dayNumber(lastDay) else { return }
        try await repo.database.read { db in
            var n = 0
            for (i, count) in perDay.enumerated() {
                let day = CaseCalendar.date(end - perDay.count + 1 + i)
                for _ in 0..<count {
                    n += 1
                    try await db.raw("""
                        INSERT INTO surveillance_cases (condition, patient, disease, code, region, organization, onset, diagnosed, status, laboratory,
                          notifications, electronic, received, updated)
                        VALUES (\(bind: "c-\(region)-\(n)"), \(bind: "p-\(region)-\(n)"), 'U07', 'U07.1', \(bind: region), 'h', \(bind: day), \(bind: day),
                          'confirmed', 1, 1, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                        """).run()
                }
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func growingEpidemicWithFillingHospitalsTightens(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let growing = (0..<42).map { Int((3 * pow(1.08, Double($0))).rounded()) }
            let falling = (0..<42).map { Int((60 * pow(0.95, Double($0))).rounded()) }
            try await Self.cases(repo, region: "750000000", perDay: growing, lastDay: "2026-11-30")   // Almaty
            try await Self.cases(repo, region: "710000000", perDay: falling, lastDay: "2026-11-30")   // Astana
            let almatyHospital = try await repo.create(type: "Organization", resource: [
                "resourceType": "Organization", "name": "ГИБ", "address": [["state": "Алматы"]]]).resource.id
            let astanaHospital = try await repo.create(type: "Organization", resource: [
                "resourceType": "Organization", "name": "ГИБ", "address": [["state": "Астана"]]]).resource.id
            let beds = BedReports(repository: repo)
            _ = try await beds.report(organization: almatyHospital, day: "2026-11-29", deployed: 200, occupied: 100)
            _ = try await beds.report(organization: almatyHospital, day: "2026-11-30", deployed: 200, occupied: 150)   // the latest counts
            _ = try await beds.report(organization: astanaHospital, day: "2026-11-30", deployed: 100, occupied: 30)
            await #expect(throws: FHIRError.self) { try await beds.report(organization: astanaHospital, day: "2026-11-30", deployed: 10, occupied: 11) }
            let regions = try await RegimeAssessment(repository: repo).assess(on: "2026-11-30")
            #expect(regions.count == 20)
            let almaty = try #require(regions.first { $0.region == "750000000" })
            let expected = ReproductionNumber().estimates(dailyCases: growing).last??.mean
            #expect(almaty.r?.mean == expected)
            #expect((almaty.r?.mean ?? 0) > 1.15)
            #expect(almaty.occupancy == 75 && almaty.decision == .tighten && almaty.clause == .growthWithFullHospitals)
            let astana = try #require(regions.first { $0.region == "710000000" })
            #expect((astana.r?.mean ?? 2) <= 1 && astana.occupancy == 30 && astana.decision == .relax)
            // No cases and no bed report: keep.
            let abai = try #require(regions.first { $0.region.hasPrefix("10") })
            #expect(abai.r == nil && abai.occupancy == nil && abai.decision == .keep)
        }
    }
}
