import Foundation
import Testing
@testable import StatePlans

/// The printed totals re-added from the transcribed rows, independently of the checks.
@Suite struct ArithmeticTests {
    /// The cancer plan's summary «Итого», million tenge, as printed.
    static let cancerTotal = Decimal(string: "460670.4")!
    static let cancerYears: [Int: Decimal] = [
        2023: Decimal(string: "58885.1")!, 2024: Decimal(string: "113343.7")!, 2025: Decimal(string: "158692.9")!,
        2026: Decimal(string: "80579.6")!, 2027: Decimal(string: "49169.1")!,
    ]

    @Test func cancerMeasuresReAddToThePrintedSummary() throws {
        let plan = try Shipped.plan(Shipped.cancer)
        // The 71 numbered measures (item 3 carries its sub-items' sum), in thousand tenge.
        let rows = plan.topLevelMeasures
        var total: Decimal = 0
        var years: [Int: Decimal] = [:]
        for measure in rows {
            for amount in measure.budget {
                guard let value = amount.value else { continue }
                if amount.period == plan.period { total += value }
                if let year = amount.year { years[year, default: 0] += value }
            }
        }
        #expect(total == 460_670_472)
        #expect(years == [2023: 58_885_155, 2024: 113_343_685, 2025: 158_692_882, 2026: 80_579_632, 2027: 49_169_118])
        // The summary is printed to 0.1 million (it mixes truncation and rounding): within one printed step.
        let step = Decimal(string: "0.1")!
        #expect((total / 1000 - Self.cancerTotal).magnitude < step)
        for (year, printed) in Self.cancerYears {
            #expect(((years[year] ?? 0) / 1000 - printed).magnitude < step, "year \(year)")
        }
        #expect(plan.financing?.total?.total == Self.cancerTotal)
        #expect(plan.financing?.total?.years == Dictionary(uniqueKeysWithValues: Self.cancerYears.map { (YearRange($0.key), $0.value) }))
    }

    @Test func cancerItem3IsTheSumOfItsSubItems() throws {
        let plan = try Shipped.plan(Shipped.cancer)
        let parent = try #require(plan.measure("3"))
        let children = plan.children(of: parent)
        #expect(children.compactMap(\.number) == ["3.1", "3.2", "3.3"])
        for year in 2023...2027 {
            let sum = children.flatMap(\.budget).filter { $0.year == year }.compactMap(\.value).reduce(0, +)
            #expect(parent.budget.first { $0.year == year }?.value == sum)
        }
    }

    @Test func almatyGrandTotalAndSectionSums() throws {
        let plan = try Shipped.plan(Shipped.almaty)
        let financing = try #require(plan.financing)
        let total = try #require(financing.total)
        #expect(total.total == 1_651_133)
        #expect(total.sources == ["МБ": 675_621, "РБ": 343_585, "ЧИ": 631_927])
        // The grand total equals its own years and sources…
        #expect(total.years.values.reduce(0, +) == 1_651_133)
        #expect(total.sources.values.reduce(0, +) == 1_651_133)
        // …while the three section totals, as printed, add up to one more.
        #expect(financing.rows.map(\.section) == ["inclusive-environment", "quality-education", "accessible-medicine"])
        #expect(financing.rows.compactMap(\.total) == [114_503, 1_000_455, 536_176])
        #expect(financing.rows.compactMap(\.total).reduce(0, +) == 1_651_134)

        // The projects' printed totals per section: education's add up to 1 000 454 (its printed sources too).
        var projects: [String: Decimal] = [:]
        for measure in plan.topLevelMeasures {
            projects[measure.section, default: 0] += measure.extra["total"]?.number ?? 0
        }
        #expect(projects == ["inclusive-environment": 114_503, "quality-education": 1_000_454, "accessible-medicine": 536_176])
        #expect(projects.values.reduce(0, +) == 1_651_133)
    }
}
