import DatabaseTesting
import FHIRStore
import Foundation
import StatePlans
import StrategyMonitoring
import Testing

/// Facts entered with their source and judged against the plan by the indicator's direction.
@Suite struct IndicatorFactsTests {
    static let plans: PlanLibrary = { (try? PlanLibrary.shipped()) ?? PlanLibrary(plans: []) }()

    @Test func achievementFollowsTheDirection() throws {
        let higher = try #require(Achievement(plan: 80, fact: 82, better: .higher))
        #expect(higher.achieved && higher.percent == Decimal(string: "102.5"))
        let lower = try #require(Achievement(plan: 100, fact: 125, better: .lower))
        #expect(!lower.achieved && lower.percent == 80)
        #expect(Achievement(plan: nil, fact: 3, better: .higher) == nil)
    }

    @Test(arguments: TestDatabase.available)
    func factsAreEnteredWithTheirSourceAndComparedWithThePlan(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let facts = IndicatorFacts(database: repo.database, plans: Self.plans)
            try await facts.enter(plan: "health-concept-2026", indicator: "14", year: 2024, value: 82, source: "МЦРИАП, письмо от 10.02.2025", by: "analyst")
            try await facts.enter(plan: "health-concept-2026", indicator: "14", year: 2024, value: Decimal(string: "78.5")!, source: "уточнено", by: "analyst")
            let table = try await facts.table(plan: "health-concept-2026")
            let row = try #require(table.first { $0.indicator.number == "14" }?.years.first { $0.year == 2024 })
            #expect(row.plan == 80 && row.fact?.value == Decimal(string: "78.5") && row.fact?.source == "уточнено")
            #expect(row.achievement?.achieved == false)
            do {
                try await facts.enter(plan: "health-concept-2026", indicator: "99", year: 2040, value: 1, source: " ", by: "analyst")
                Issue.record("a fact with three mistakes was stored")
            } catch let error as MonitoringError {
                #expect(Set(error.problems.map(\.field)) == ["indicator", "year", "source"])
            }
            #expect(try await facts.facts(plan: "health-concept-2026").count == 1)
        }
    }
}
