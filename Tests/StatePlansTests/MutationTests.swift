import Foundation
import Testing
@testable import StatePlans

/// A transcription error cannot pass: changing one figure of a shipped plan in memory makes the checks report it.
@Suite struct MutationTests {
    /// The findings of `mutated` that the shipped plan does not have.
    static func newFindings(_ original: Plan, _ mutated: Plan) -> [Discrepancy] {
        let before = PlanChecks.run(original)
        return PlanChecks.run(mutated).filter { !before.contains($0) }
    }

    static func changing(_ plan: Plan, measure number: String, year: Int?, period: YearRange? = nil, by delta: Decimal) -> Plan {
        var plan = plan
        guard let m = plan.measures.firstIndex(where: { $0.number == number }),
              let a = plan.measures[m].budget.firstIndex(where: { $0.year == year && $0.period == period && $0.value != nil })
        else { return plan }
        plan.measures[m].budget[a].value! += delta
        return plan
    }

    @Test func aChangedYearlyAmountBreaksTheRowTotal() throws {
        let plan = try Shipped.plan(Shipped.cancer)
        let mutated = Self.changing(plan, measure: "30", year: 2025, by: 1)
        #expect(mutated != plan)
        let found = Self.newFindings(plan, mutated)
        #expect(found.contains { $0.kind == .yearsVsTotal && $0.location == "measure 30" })
    }

    @Test func aChangedYearAndTotalBreaksTheSummary() throws {
        let plan = try Shipped.plan(Shipped.cancer)
        // 200 000 thousand = 200 million more in 2024 and in the row's total: the row still adds up.
        var mutated = Self.changing(plan, measure: "30", year: 2024, by: 200_000)
        mutated = Self.changing(mutated, measure: "30", year: nil, period: plan.period, by: 200_000)
        let found = Self.newFindings(plan, mutated)
        #expect(!found.contains { $0.kind == .yearsVsTotal })
        #expect(found.contains { $0.kind == .measuresVsFinancing && $0.location == "financing total" && $0.column == "2024" })
        #expect(found.contains { $0.kind == .measuresVsFinancing && $0.location == "financing total" && $0.column == "total" })
    }

    @Test func aDifferenceBelowThePrintedPrecisionIsNotASummaryDiscrepancy() throws {
        let plan = try Shipped.plan(Shipped.cancer)
        // 10 thousand = 0.01 million: below the summary's 0.1, so only the row itself can tell.
        var mutated = Self.changing(plan, measure: "30", year: 2024, by: 10)
        mutated = Self.changing(mutated, measure: "30", year: nil, period: plan.period, by: 10)
        #expect(!Self.newFindings(plan, mutated).contains { $0.kind == .measuresVsFinancing })
    }

    @Test func aChangedSubItemBreaksItsParentInTheRoadmap() throws {
        let plan = try Shipped.plan(Shipped.almaty)
        let mutated = Self.changing(plan, measure: "5.2.2", year: 2024, by: 100)
        let found = Self.newFindings(plan, mutated)
        #expect(found.contains { $0.kind == .yearsVsTotal && $0.location == "measure 5.2.2" })
        #expect(found.contains { $0.kind == .childrenVsParent && $0.location == "measure 5.2" && $0.column == "2024" })
    }

    @Test func aChangedTopLevelProjectBreaksItsSectionTotal() throws {
        let plan = try Shipped.plan(Shipped.almaty)
        var mutated = plan
        let index = try #require(mutated.measures.firstIndex { $0.number == "17" })
        mutated.measures[index].extra["total"] = .number(mutated.measures[index].extra["total"]?.number.map { $0 + 5 } ?? 5)
        let found = Self.newFindings(plan, mutated)
        #expect(found.contains { $0.kind == .measuresVsFinancing && $0.location == "financing row 'accessible-medicine'" && $0.column == "total" })
    }

    @Test func aChangedNoteAmountIsFound() throws {
        var plan = try Shipped.plan(Shipped.cancer)
        let index = try #require(plan.measures.firstIndex { $0.number == "13" })
        let original = plan
        plan.measures[index].budgetNotes[0].amounts[0].value! += 1
        #expect(Self.newFindings(original, plan).contains { $0.kind == .budgetNotes && $0.location == "measure 13" })
    }

    @Test func aMissingOrRepeatedNumberIsFound() throws {
        var plan = try Shipped.plan(Shipped.concept)
        let original = plan
        plan.measures.remove(at: 5)
        #expect(Self.newFindings(original, plan).contains { $0.kind == .numbering && $0.location == "measure 1.7" })
        plan = original
        plan.measures[6].number = plan.measures[5].number
        #expect(Self.newFindings(original, plan).contains { $0.kind == .numbering && $0.message.contains("twice") })
    }

    @Test func aFlippedIndicatorValueIsFound() throws {
        var plan = try Shipped.plan(Shipped.cancer)
        let original = plan
        // Indicator 2 (lower is better): a 2025 value above 2024.
        let index = try #require(plan.indicators.firstIndex { $0.number == "2" })
        plan.indicators[index].plan[2025] = .number(99)
        #expect(Self.newFindings(original, plan).contains { $0.kind == .indicatorDirection && $0.location == "indicator 2" })
    }
}
