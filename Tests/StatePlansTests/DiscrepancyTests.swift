import Foundation
import Testing
@testable import StatePlans

/// The checks on the shipped data find exactly the discrepancies the transcribers' notes list for the documents
/// themselves (docs/plans/*.md) — no more, so a transcription error shows up as a new finding.
@Suite struct DiscrepancyTests {
    typealias Finding = (kind: Discrepancy.Kind, location: String, column: String?, expected: String, found: String)

    static func findings(_ id: String) throws -> [Finding] {
        PlanChecks.run(try Shipped.plan(id)).map { ($0.kind, $0.location, $0.column, $0.expected, $0.found) }
    }

    static func same(_ actual: [Finding], _ wanted: [Finding]) -> Bool {
        actual.count == wanted.count && zip(actual, wanted).allSatisfy { a, b in
            a.kind == b.kind && a.location == b.location && a.column == b.column && a.expected == b.expected && a.found == b.found
        }
    }

    static func render(_ findings: [Finding]) -> String {
        findings.map { "(.\($0.kind), \"\($0.location)\", \($0.column.map { "\"\($0)\"" } ?? "nil"), \"\($0.expected)\", \"\($0.found)\")" }
            .joined(separator: ",\n")
    }

    @Test func cancerPlan() throws {
        let wanted: [Finding] = [
            // Discrepancy 2: the summary's own sums.
            (.yearsVsTotal, "financing row 'РБ'", "total", "271410", "271409.9"),
            (.yearsVsTotal, "financing row 'дополнительно'", "total", "236248.9", "236248.8"),
            (.sourcesVsTotal, "financing total", "2026", "80579.6", "80579.5"),
            (.childrenVsParent, "financing row 'РБ'", "2023", "13120.9", "13121"),
            (.childrenVsParent, "financing row 'РБ'", "total", "271410", "271410.1"),
            // Discrepancy 4: «Местный бюджет, из них:» without sub-rows.
            (.childrenVsParent, "financing row 'МБ'", nil, "sub-rows", "none"),
            // Discrepancy 3: ВС against ОСМС + ОФ (item 42's 40 000 thousand).
            (.childrenVsParent, "financing row 'ВС'", "2023", "43690.1", "43650.1"),
            (.childrenVsParent, "financing row 'ВС'", "total", "174340.3", "174300.3"),
            // Discrepancy 1: item 11, 2023.
            (.budgetNotes, "measure 11", "2023", "431838", "413838"),
            // Discrepancies 6 and 7: a source without an amount.
            (.sourceWithoutAmount, "measure 17", nil, "an amount from МБ", "no amount"),
            (.sourceWithoutAmount, "measure 45", nil, "an amount from ВС", "no amount"),
            (.sourceWithoutAmount, "measure 46", nil, "an amount from ВС", "no amount"),
        ]
        let actual = try Self.findings(Shipped.cancer)
        #expect(Self.same(Self.sorted(actual), Self.sorted(wanted)), "found:\n\(Self.render(actual))")
    }

    @Test func almatyRoadmap() throws {
        let wanted: [Finding] = [
            // 1: project 1.3 (years 750, total 1 000), and parent 1's 2026-2030 that implies 250 for it.
            (.yearsVsTotal, "measure 1.3", "total", "1000", "750"),
            (.childrenVsParent, "measure 1", "2026-2030", "2434", "2184"),
            // 2: 3.1.4 off by one, carried up to 3.1 and 3.
            (.yearsVsTotal, "measure 3", "total", "10358", "10359"),
            (.yearsVsTotal, "measure 3.1", "total", "10358", "10359"),
            (.yearsVsTotal, "measure 3.1.4", "total", "7450", "7451"),
            // 4: 1 650 printed once for 2024-2025.
            (.yearsVsTotal, "measure 7", "total", "4900", "3250"),
            (.yearsVsTotal, "measure 7.1", "total", "4900", "3250"),
            // 3: 8.1.1, carried up to 8.1 and 8.
            (.yearsVsTotal, "measure 8", "total", "14499", "14498"),
            (.yearsVsTotal, "measure 8.1", "total", "8499", "8498"),
            (.yearsVsTotal, "measure 8.1.1", "total", "8499", "8498"),
            // 6: education's sources and projects give 1 000 454.
            (.sourcesVsTotal, "financing row 'quality-education'", "total", "1000455", "1000454"),
            // 5 and 6: sections against their projects.
            (.measuresVsFinancing, "financing row 'inclusive-environment'", "2023", "12237", "12238"),
            (.measuresVsFinancing, "financing row 'quality-education'", "2024", "207935", "207934"),
            (.measuresVsFinancing, "financing row 'quality-education'", "2025", "71711", "71710"),
            (.measuresVsFinancing, "financing row 'quality-education'", "total", "1000455", "1000454"),
            // 7: the block total against the sections.
            (.sectionsVsGrandTotal, "financing total", "2024", "429352", "429353"),
            (.sectionsVsGrandTotal, "financing total", "total", "1651133", "1651134"),
        ]
        let actual = try Self.findings(Shipped.almaty)
        #expect(Self.same(Self.sorted(actual), Self.sorted(wanted)), "found:\n\(Self.render(actual))")
    }

    @Test func pandemicPlan() throws {
        let wanted: [Finding] = [
            (.numbering, "section 3, unnumbered row after 1", nil, "a number", "none"),
            (.numbering, "section 7, unnumbered row after 16", nil, "a number", "none"),
            (.numbering, "section 10, measure 8", nil, "6", "8"),
        ]
        let actual = try Self.findings(Shipped.pandemic)
        #expect(Self.same(Self.sorted(actual), Self.sorted(wanted)), "found:\n\(Self.render(actual))")
    }

    @Test func healthConcept() throws {
        let wanted: [Finding] = [
            (.indicatorDirection, "indicator 3", "2023", "≤ 38.3", "42.1"),
            (.indicatorDirection, "indicator 5", "2022", "≥ 1.8", "1.2"),
            (.indicatorDirection, "indicator 15", "2026", "≥ 372.2", "106.6"),
            (.indicatorDirection, "indicator 19", "2024", "≥ 8", "7"),
            (.indicatorDirection, "indicator 19", "2025", "≥ 7", "6"),
        ]
        let actual = try Self.findings(Shipped.concept)
        #expect(Self.same(Self.sorted(actual), Self.sorted(wanted)), "found:\n\(Self.render(actual))")
    }

    @Test func digitalMapHasNoArithmeticDiscrepancy() throws {
        let actual = try Self.findings(Shipped.digitalMap)
        #expect(actual.isEmpty, "found:\n\(Self.render(actual))")
    }

    @Test func messagesNameTheFigures() throws {
        let item11 = try #require(PlanChecks.run(try Shipped.plan(Shipped.cancer)).first { $0.kind == .budgetNotes })
        #expect(item11.message == "measure 11, 2023: the row prints 431838 but its funding note gives 413838 (difference -18000)")
        #expect(item11.planID == Shipped.cancer)
        let project7 = try #require(PlanChecks.run(try Shipped.plan(Shipped.almaty)).first { $0.location == "measure 7" })
        #expect(project7.message.contains("counts the 2024-2025 amount 1650 once for each of its years"))
    }

    static func sorted(_ findings: [Finding]) -> [Finding] {
        findings.sorted { ($0.kind.rawValue, $0.location, $0.column ?? "") < ($1.kind.rawValue, $1.location, $1.column ?? "") }
    }
}
