import Foundation
import Testing
@testable import StatePlans

/// The counts each transcriber's notes give: a lost or doubled row fails here.
@Suite struct CountsTests {
    @Test func pandemicPlan() throws {
        let plan = try Shipped.plan(Shipped.pandemic)
        #expect(plan.measures.count == 129)
        #expect(plan.measures.filter { $0.number == nil }.count == 2)
        #expect(plan.sections.count == 10)
        #expect(plan.numbersRestartPerSection)
        #expect(plan.measures.reduce(0) { $0 + $1.responsible.count } == 283)
    }

    @Test func healthConcept() throws {
        let plan = try Shipped.plan(Shipped.concept)
        #expect(plan.measures.count == 139)
        #expect(plan.indicators.count == 23)
        #expect(plan.sections.count == 7)
        #expect(plan.sections.first { $0.id == "2" }?.sections.map(\.id) == ["2.1", "2.2", "2.3", "2.4", "2.5"])
        #expect(plan.expectedResults.count == 6)
        let perDirection = Dictionary(grouping: plan.measures, by: \.section).mapValues(\.count)
        #expect(perDirection == ["1": 24, "2": 63, "3": 14, "4": 6, "5": 10, "6": 13, "7": 9])
    }

    @Test func digitalMap() throws {
        let plan = try Shipped.plan(Shipped.digitalMap)
        #expect(plan.measures.count == 72)
        let perSphere = plan.sections.map { sphere in plan.measures.filter { $0.section == sphere.id }.count }
        #expect(perSphere == [36, 11, 11, 6, 7, 1])
    }

    @Test func almatyRoadmap() throws {
        let plan = try Shipped.plan(Shipped.almaty)
        #expect(plan.measures.count == 120)
        #expect(plan.topLevelMeasures.count == 17)
    }

    @Test func cancerPlan() throws {
        let plan = try Shipped.plan(Shipped.cancer)
        #expect(plan.topLevelMeasures.count == 71)
        #expect(plan.topLevelMeasures.map(\.number) == (1...71).map { "\($0)" })
        #expect(plan.measures.count == 74)
        #expect(plan.indicators.count == 5)
        #expect(plan.expectedResults.count == 5)
    }
}
