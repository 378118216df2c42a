import DatabaseTesting
import FHIRStore
import Foundation
import StatePlans
import StrategyMonitoring
import Testing

/// The executors' reports on the SQLite and PostgreSQL databases: what is due and overdue by the decrees'
/// cycles, a report submitted and revised, and refusals that name each problem and store nothing.
@Suite struct ProgressReportsTests {
    static let plans: PlanLibrary = { (try? PlanLibrary.shipped()) ?? PlanLibrary(plans: []) }()
    static let firstHalf2025 = ReportingPeriod("2025-01-01/2025-06-30")!

    @Test(arguments: TestDatabase.available)
    func theCancerPlansExecutorsReportEveryHalfYear(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let reports = ProgressReports(database: repo.database, plans: Self.plans)
            let today = try #require(Day("2025-07-20"))
            let before = try await reports.obligations(plan: "cancer-plan-2023-2027", executor: "МЗ", today: today)
            // Reports by 15 January 2024, 15 July 2024, 15 January 2025, 15 July 2025 are overdue; 15 January 2026 is not in 2025.
            #expect(Set(before.map(\.due.description)) == ["2024-01-15", "2024-07-15", "2025-01-15", "2025-07-15"])
            #expect(before.allSatisfy { $0.state == .overdue })
            #expect(before.contains { $0.measure == "11" && $0.period == Self.firstHalf2025 })
            // Submitted, then revised: one report, revision 2.
            try await reports.submit(plan: "cancer-plan-2023-2027", measure: "11", period: Self.firstHalf2025, executor: "МЗ", status: .inProgress,
                                     progress: "Закуплено оборудование для 2 лабораторий", evidence: "https://example.kz/act-11.pdf", by: "executor.mz")
            let revised = try await reports.submit(plan: "cancer-plan-2023-2027", measure: "11", period: Self.firstHalf2025, executor: "МЗ",
                                                   status: .done, progress: "Внедрено в 3 лабораториях", evidence: nil, by: "executor.mz")
            #expect(revised.revision == 2)
            let stored = try await reports.reports(plan: "cancer-plan-2023-2027", executor: "МЗ")
            #expect(stored.count == 1 && stored.first?.status == .done && stored.first?.progress == "Внедрено в 3 лабораториях")
            let after = try await reports.obligations(plan: "cancer-plan-2023-2027", executor: "МЗ", today: today)
            #expect(after.first { $0.measure == "11" && $0.period == Self.firstHalf2025 }?.state == .submitted)
            #expect(after.filter { $0.state == .submitted }.count == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func aBadReportNamesEveryProblemAndStoresNothing(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let reports = ProgressReports(database: repo.database, plans: Self.plans)
            let notAPeriod = try #require(ReportingPeriod("2025-01-01/2025-03-31"))
            do {
                try await reports.submit(plan: "cancer-plan-2023-2027", measure: "999", period: notAPeriod, executor: "МЗ", status: .done,
                                         progress: "  ", evidence: nil, by: "x")
                Issue.record("a report with four mistakes was stored")
            } catch let error as MonitoringError {
                #expect(Set(error.problems.map(\.field)) == ["measure", "period", "progress"])
            }
            // A body that is not responsible for the measure.
            await #expect(throws: MonitoringError.self) {
                try await reports.submit(plan: "cancer-plan-2023-2027", measure: "11", period: Self.firstHalf2025, executor: "МЦРИАП",
                                         status: .done, progress: "text", evidence: nil, by: "x")
            }
            #expect(try await reports.reports(plan: "cancer-plan-2023-2027").isEmpty)
            // The Concept reports once a year, by 15 April for the year before.
            let concept = try await reports.obligations(plan: "health-concept-2026", today: try #require(Day("2026-04-16")))
            #expect(Set(concept.map(\.period.description)) == ["2022-01-01/2022-12-31", "2023-01-01/2023-12-31", "2024-01-01/2024-12-31", "2025-01-01/2025-12-31"])
        }
    }
}
