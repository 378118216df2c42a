import Foundation
import Testing
@testable import StatePlans

/// The money the dashboards show per measure and direction, re-added from the rows and compared with the totals
/// the documents print.
@Suite struct BudgetTests {
    @Test func theCancerPlansDirectionsAddUpToItsSummary() throws {
        let plan = try Shipped.plan(Shipped.cancer)
        var total: Decimal = 0
        var years: [YearRange: Decimal] = [:]
        for direction in plan.sections {
            let budget = plan.budget(section: direction.id)
            total += budget.total ?? 0
            for (column, value) in budget.columns { years[column, default: 0] += value }
        }
        // Thousand tenge, the rows' unit; the summary prints 460 670,4 million.
        #expect(total == 460_670_472)
        #expect(years == [YearRange(2023): 58_885_155, YearRange(2024): 113_343_685, YearRange(2025): 158_692_882,
                          YearRange(2026): 80_579_632, YearRange(2027): 49_169_118])
        #expect(plan.hasMoney)
    }

    @Test func aHeadingRowWithoutAmountsCarriesItsSubItems() throws {
        // Roadmap project 1.8 prints no amount; its two sub-projects do.
        let plan = try Shipped.plan(Shipped.almaty)
        let heading = try #require(plan.measure("1.8"))
        #expect(plan.money(of: heading).isEmpty)
        let children = plan.children(of: heading)
        #expect(children.count == 2)
        let budget = plan.budget(of: heading)
        #expect(budget.total != nil)
        #expect(budget.total == children.reduce(Decimal(0)) { $0 + (plan.budget(of: $1).total ?? 0) })
    }

    @Test func theRoadmapsSectionsAddUpToItsSectionTotals() throws {
        let plan = try Shipped.plan(Shipped.almaty)
        let printed = try #require(plan.financing?.rows)
        let reported = PlanChecks.run(plan)
        for row in printed {
            let section = try #require(row.section)
            let budget = plan.budget(section: section)
            // Equal to the printed «Итого по разделу», or the checks report the difference (education: 1,000,454 re-added
            // against 1,000,455 printed).
            if budget.total != row.total {
                #expect(reported.contains { $0.location == "financing row '\(section)'" && $0.column == "total" && $0.found == "\(budget.total ?? 0)" },
                        "section \(section): \(budget.total ?? 0) vs \(row.total ?? 0)")
            }
        }
        #expect(plan.budget(section: "inclusive-environment").total == 114_503)
        #expect(plan.budget(section: "accessible-medicine").total == 536_176)
        #expect(plan.budget(section: "quality-education").total == 1_000_454)
    }

    @Test func aProjectShowsItsYearsSourceAndTotal() throws {
        let plan = try Shipped.plan(Shipped.almaty)
        let project = try #require(plan.measures.first)
        let budget = plan.budget(of: project)
        #expect(budget.columns == [YearRange(2023): 1350, YearRange(2024): 1361, YearRange(2025): 1399, YearRange(from: 2026, to: 2030): 2434])
        #expect(budget.total == 6544 && budget.sources == ["МБ": 6544])
    }

    @Test func thePandemicPlanPrintsSourcesWithoutAmounts() throws {
        let plan = try Shipped.plan(Shipped.pandemic)
        let first = try #require(plan.measures.first)
        #expect(plan.budget(of: first).isEmpty)
    }

    @Test func budgetsInOnePassAreEachMeasuresBudget() throws {
        for plan in Shipped.library.plans {
            let all = plan.budgets()
            #expect(all.count == plan.measures.count)
            for (measure, budget) in zip(plan.measures, all) {
                #expect(budget == plan.budget(of: measure), "\(plan.id) \(plan.label(of: measure))")
            }
            let sections = plan.sections.map(\.id)
            #expect(sections.map { plan.budget(section: $0, budgets: all) } == sections.map { plan.budget(section: $0) })
        }
    }
}
