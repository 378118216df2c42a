import Foundation
import Testing
@testable import StatePlans

@Suite struct ReportingTests {
    static func rows(_ reports: [ReportDue]) -> [String] {
        reports.map { "\($0.who) \($0.due) \($0.covers.first)…\($0.covers.last)" }
    }

    @Test func conceptReportsOnThePreviousYear() throws {
        let plan = try Shipped.plan(Shipped.concept)
        #expect(Self.rows(plan.reportsDue(in: 2025)) == [
            "executors 2025-04-15 2024-01-01…2024-12-31",
            "ministry 2025-05-01 2024-01-01…2024-12-31",
        ])
        // The first report is on 2022 (due 2023); the last on 2026 (due 2027); none before or after.
        #expect(plan.reportsDue(in: 2022).isEmpty)
        #expect(plan.reportsDue(in: 2027).count == 2)
        #expect(plan.reportsDue(in: 2028).isEmpty)
        #expect(plan.reportingSchedule.count == 10)
    }

    @Test func cancerPlanReportsOnThePrecedingHalfYear() throws {
        let plan = try Shipped.plan(Shipped.cancer)
        #expect(Self.rows(plan.reportsDue(in: 2025)) == [
            "executors 2025-01-15 2024-07-01…2024-12-31",
            "ministry 2025-02-15 2024-07-01…2024-12-31",
            "executors 2025-07-15 2025-01-01…2025-06-30",
            "ministry 2025-08-15 2025-01-01…2025-06-30",
        ])
        // 2023: the January reports would cover 2022, before the plan; the July ones fall before the act was
        // adopted (5 October 2023). The first report is due by 15 January 2024, on the second half of 2023.
        #expect(plan.reportsDue(in: 2023).isEmpty)
        #expect(plan.reportsDue(in: 2024).first?.description == "executors by 2024-01-15 for 2023-07-01…2023-12-31")
        #expect(plan.reportsDue(in: 2028).map(\.due.description) == ["2028-01-15", "2028-02-15"])
    }

    @Test func plansWithoutAClauseHaveNoReports() throws {
        for id in [Shipped.pandemic, Shipped.digitalMap, Shipped.almaty] {
            #expect(try Shipped.plan(id).reportingSchedule.isEmpty)
        }
    }

    @Test func coveredPeriodsAlignToTheCalendar() {
        let day = Day(year: 2025, month: 5, day: 10)!
        #expect(ReportingClause.period(endingBefore: day, months: 3).description == "2025-01-01…2025-03-31")
        #expect(ReportingClause.period(endingBefore: day, months: 1).description == "2025-04-01…2025-04-30")
        #expect(ReportingClause.period(endingBefore: Day(year: 2025, month: 1, day: 1)!, months: 12).description == "2024-01-01…2024-12-31")
    }
}
