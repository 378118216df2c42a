import Foundation
import Testing
@testable import StatePlans

@Suite struct DeadlineTests {
    static func due(_ json: String) throws -> Due { try JSONDecoder().decode(Due.self, from: Data(json.utf8)) }
    static let period = YearRange(from: 2023, to: 2027)

    @Test func daysKnowTheCalendar() {
        #expect(Day("2024-02-29") != nil)
        #expect(Day("2023-02-29") == nil)
        #expect(Day("2023-13-01") == nil)
        #expect(Day("15.04.2025") == nil)
        #expect(Day.endOfMonth(2, of: 2024).description == "2024-02-29")
        #expect(Day.endOfQuarter(3, of: 2025).description == "2025-09-30")
        #expect(Day.endOfHalf(1, of: 2025).description == "2025-06-30")
    }

    @Test func eachFormOfDueGivesTheEndOfItsPeriod() throws {
        #expect(try Self.due(#"{"date": "2020-07-15"}"#).obligations(period: Self.period).map(\.due.description) == ["2020-07-15"])
        #expect(try Self.due(#"{"year": 2023, "month": 4}"#).obligations(period: Self.period).map(\.due.description) == ["2023-04-30"])
        #expect(try Self.due(#"{"year": 2024, "quarter": 4}"#).obligations(period: Self.period).map(\.due.description) == ["2024-12-31"])
        #expect(try Self.due(#"{"year": 2024, "half": 1}"#).obligations(period: Self.period).map(\.due.description) == ["2024-06-30"])
        #expect(try Self.due(#"{"year": 2023}"#).obligations(period: Self.period).map(\.due.description) == ["2023-12-31"])
        #expect(try Self.due(#"{"text": "постоянно"}"#).obligations(period: Self.period).isEmpty)
    }

    @Test func annualDeadlinesRepeatEveryYear() throws {
        let quarterly = try Self.due(#"{"annual": {"from": 2024, "to": 2027}, "quarter": 4}"#)
        #expect(quarterly == .annual(years: YearRange(from: 2024, to: 2027), within: .quarter(4)))
        #expect(quarterly.obligations(period: Self.period).map(\.due.description) == ["2024-12-31", "2025-12-31", "2026-12-31", "2027-12-31"])
        #expect(quarterly.obligations(period: Self.period).map(\.year) == [2024, 2025, 2026, 2027])
        // "ежегодно" alone: every year of the plan's period, by the year's end.
        let yearly = try Self.due(#"{"annual": {}}"#)
        #expect(yearly == .annual(years: nil, within: nil))
        #expect(yearly.obligations(period: Self.period).count == 5)
        #expect(Due.text("Ежегодно").obligations(period: Self.period).map(\.due.description).last == "2027-12-31")
        #expect(Due.text("ежегодно").undatedText == nil)
    }

    @Test func conceptMonthRangesFromTheData() throws {
        let plan = try Shipped.plan(Shipped.concept)
        let measure = try #require(plan.measure("1.1"))
        let deadline = try #require(measure.deadline)
        #expect(deadline.ru == "апрель 2023 – 2026 годы")
        #expect(deadline.obligations(period: plan.period).map(\.due.description) == ["2023-04-30", "2024-04-30", "2025-04-30", "2026-04-30"])
        let january = try #require(plan.measure("7.2")?.deadline)
        #expect(january.obligations(period: plan.period).map(\.due.description) == ["2023-01-31", "2024-01-31"])
    }

    @Test func cancerQuartersFromTheData() throws {
        let plan = try Shipped.plan(Shipped.cancer)
        let item3 = try #require(plan.measure("3")?.deadline)
        #expect(item3.ru == "4-квартал 2023 – 2027 годов")
        #expect(item3.obligations(period: plan.period).count == 5)
        let item17 = try #require(plan.measure("17")?.deadline)
        #expect(item17.obligations(period: plan.period).map(\.due.description) == ["2024-03-31"])
    }

    @Test func pandemicDatesAndUndatedWordingFromTheData() throws {
        let plan = try Shipped.plan(Shipped.pandemic)
        let fourSeven = try #require(plan.measure("7", section: "4")?.deadline)
        #expect(fourSeven.obligations(period: plan.period).map(\.due.description) == ["2020-07-15", "2020-10-01"])
        let sevenFour = try #require(plan.measure("4", section: "7")?.deadline)
        #expect(sevenFour.obligations(period: plan.period).map(\.due.description) == ["2020-08-01"])
        #expect(sevenFour.undated == ["постоянно"])
        // Every deadline of every plan yields dates or wording, never nothing at all.
        for plan in Shipped.library.plans {
            for measure in plan.measures {
                guard let deadline = measure.deadline else { continue }
                #expect(!deadline.obligations(period: plan.period).isEmpty || !deadline.undated.isEmpty, "\(plan.id) \(plan.label(of: measure))")
            }
        }
    }
}
