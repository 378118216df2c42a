import Foundation
import Testing
@testable import StatePlans

@Suite struct PlanLibraryTests {
    @Test func allFivePlansLoadInFileOrder() {
        #expect(Shipped.library.ids == [Shipped.pandemic, Shipped.concept, Shipped.digitalMap, Shipped.almaty, Shipped.cancer])
        #expect(Shipped.library.plans.map(\.seed) == ["000", "001", "002", "003", "004"])
        #expect(Shipped.library.plans.map(\.kind) == [.plan, .concept, .digitalMap, .roadmap, .plan])
    }

    @Test func anUnknownIdIsATypedError() {
        #expect(throws: PlanLoadError.unknownPlan("no-such-plan")) { try Shipped.library.plan("no-such-plan") }
    }

    @Test func aMalformedFileNamesTheFileAndTheJSONPath() throws {
        let json = """
        {"id": "x", "seed": "999", "kind": "plan", "title": {"ru": "т"}, "period": {"from": 2023, "to": 2027},
         "measures": [{"number": "1", "section": "1", "ru": "м"},
                      {"number": "2", "section": "1", "ru": "м", "budget": [{"year": 2023, "value": "много"}]}]}
        """
        let error = try #require(#expect(throws: PlanLoadError.self) { try Plan.decode(Data(json.utf8), file: "999-test.json") })
        guard case let .invalid(file, path, _) = error else { Issue.record("unexpected \(error)"); return }
        #expect(file == "999-test.json")
        #expect(path == "measures[1].budget[0].value")
        #expect(error.description.hasPrefix("999-test.json at measures[1].budget[0].value"))
    }

    @Test func aBadDeadlineIsRejectedWithItsPath() throws {
        let json = """
        {"id": "x", "seed": "999", "kind": "plan", "title": {"ru": "т"}, "period": {"from": 2023, "to": 2027},
         "measures": [{"number": "1", "section": "1", "ru": "м", "deadline": {"ru": "?", "due": [{"year": 2024, "quarter": 5}]}}]}
        """
        let error = try #require(#expect(throws: PlanLoadError.self) { try Plan.decode(Data(json.utf8), file: "q.json") })
        guard case let .invalid(_, path, _) = error else { Issue.record("unexpected \(error)"); return }
        #expect(path == "measures[0].deadline.due[0]")
    }

    @Test func envelopeFieldsAndExtraKeysSurvive() throws {
        let pandemic = try Shipped.plan(Shipped.pandemic)
        #expect(pandemic.act?.date == nil)
        #expect(pandemic.act?.draft?["date"]?.string == "2020-07-12")
        #expect(pandemic.currency == nil && pandemic.financing == nil && pandemic.reporting.isEmpty)
        #expect(pandemic.period == YearRange(from: 2020, to: 2021))
        #expect(pandemic.notes.count == 30)

        let cancer = try Shipped.plan(Shipped.cancer)
        #expect(cancer.act?.number == "874" && cancer.act?.date == "2023-10-05")
        #expect(cancer.currency?.unit == .thousand)
        #expect(cancer.financing?.unit?.unit == .million)
        #expect(cancer.financing?.precision == Decimal(string: "0.1"))
        let item11 = try #require(cancer.measure("11"))
        #expect(item11.extra["sourceRu"]?.string?.hasPrefix("РБ, в том числе") == true)
        #expect(item11.budgetNotes.first?.amounts.first?.part == "within")
        #expect(cancer.reporting.map(\.who) == ["executors", "ministry"])

        let digital = try Shipped.plan(Shipped.digitalMap)
        #expect(digital.extra["passport"] != nil)
        #expect(digital.indicators.count == 36)
    }

    @Test func moneyIsExact() throws {
        let cancer = try Shipped.plan(Shipped.cancer)
        #expect(cancer.financing?.total?.total == Decimal(string: "460670.4"))
        #expect(cancer.financing?.total?.years[YearRange(2023)] == Decimal(string: "58885.1"))
        let almaty = try Shipped.plan(Shipped.almaty)
        #expect(almaty.financing?.total?.years[YearRange(from: 2026, to: 2030)] == 751456)
    }
}
