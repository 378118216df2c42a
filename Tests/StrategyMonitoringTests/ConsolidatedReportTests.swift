import DatabaseTesting
import FHIRStore
import Foundation
import StatePlans
import StrategyMonitoring
import Testing
import ZIPFoundation

/// The ministry's consolidated report for a period, as Word and Excel, from what the executors sent: reported
/// measures with their text, overdue ones marked, indicators plan vs fact.
@Suite struct ConsolidatedReportTests {
    static let plans: PlanLibrary = { (try? PlanLibrary.shipped()) ?? PlanLibrary(plans: []) }()

    static func parts(_ data: Data) throws -> [String: String] {
        let archive = try Archive(data: data, accessMode: .read)
        var out: [String: String] = [:]
        for entry in archive {
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            out[entry.path] = String(decoding: bytes, as: UTF8.self)
        }
        return out
    }

    @Test(arguments: TestDatabase.available)
    func theReportHasWhatTheExecutorsSentAndWhatIsMissing(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let reports = ProgressReports(database: repo.database, plans: Self.plans)
            let facts = IndicatorFacts(database: repo.database, plans: Self.plans)
            let period = try #require(ReportingPeriod("2024-01-01/2024-12-31"))
            try await reports.submit(plan: "health-concept-2026", measure: "2.26", period: period, executor: "МЗ", status: .done,
                                     progress: "Комплексный план утверждён постановлением № 874 <5 октября 2023 г.> & исполняется",
                                     evidence: "https://adilet.zan.kz/rus/docs/P2300000874", by: "executor.mz")
            try await facts.enter(plan: "health-concept-2026", indicator: "14", year: 2024, value: 82, source: "МЦРИАП", by: "analyst")
            let consolidated = ConsolidatedReport(reports: reports, facts: facts)
            let content = try await consolidated.content(plan: "health-concept-2026", period: period, today: try #require(Day("2025-05-01")))
            #expect(content.obligations.contains { $0.measure == "2.26" && $0.state == .submitted })
            #expect(content.obligations.filter { $0.state == .overdue }.count == content.obligations.count - 1)

            let docx = try Self.parts(try consolidated.docx(content, author: "Министерство здравоохранения РК"))
            let document = try #require(docx["word/document.xml"])
            #expect(document.contains("Комплексный план утверждён постановлением № 874 &lt;5 октября 2023 г.&gt; &amp; исполняется"))
            #expect(document.contains("не представлено (срок 15.04.2025)"))
            #expect(document.contains("Целевые индикаторы") && document.contains("МЦРИАП"))
            #expect(document.contains("w:orient=\"landscape\""))

            let xlsx = try Self.parts(try consolidated.xlsx(content, author: "МЗ"))
            let strings = try #require(xlsx["xl/sharedStrings.xml"])
            #expect(strings.contains("выполнено") && strings.contains("https://adilet.zan.kz/rus/docs/P2300000874"))
            let indicators = try #require(xlsx["xl/worksheets/sheet2.xml"])
            #expect(indicators.contains("<v>82</v>") && indicators.contains("<v>80</v>"), "plan and fact as numbers")
        }
    }

    /// A plan with money: the document's financing summary as printed and each direction's measures re-added, in
    /// both formats; a plan without money has no such part.
    @Test(arguments: TestDatabase.available)
    func theReportCarriesTheFinancing(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let reports = ProgressReports(database: repo.database, plans: Self.plans)
            let consolidated = ConsolidatedReport(reports: reports, facts: IndicatorFacts(database: repo.database, plans: Self.plans))
            let period = try #require(ReportingPeriod("2024-01-01/2024-06-30"))
            let content = try await consolidated.content(plan: "cancer-plan-2023-2027", period: period, today: try #require(Day("2024-08-01")))
            let document = try #require(try Self.parts(try consolidated.docx(content, author: "МЗ"))["word/document.xml"])
            #expect(document.contains("Объёмы финансирования") && document.contains("Сводная таблица документа, млн тенге"))
            #expect(document.contains("460") && document.contains("670,4"))
            let xlsx = try Self.parts(try consolidated.xlsx(content, author: "МЗ"))
            let summary = try #require(xlsx["xl/worksheets/sheet3.xml"])
            #expect(summary.contains("<v>460670.4</v>") && summary.contains("<v>58885.1</v>"))
            // Per direction, thousand tenge re-added from the rows: the five directions make the plan's 460,670,472.
            let directions = try #require(xlsx["xl/worksheets/sheet4.xml"])
            // The numbers of column B (the direction names in column A are shared strings, their <v> an index).
            let values = directions.split(separator: "<c r=\"B").dropFirst().filter { !$0.hasPrefix("1\"") }.compactMap { cell -> Decimal? in
                guard let v = cell.range(of: "<v>") else { return nil }
                return Decimal(string: String(cell[v.upperBound...].prefix { $0 != "<" }))
            }
            #expect(values.reduce(0, +) == 460_670_472)

            let concept = try await consolidated.content(plan: "health-concept-2026", period: try #require(ReportingPeriod("2024-01-01/2024-12-31")),
                                                         today: try #require(Day("2025-05-01")))
            let plain = try #require(try Self.parts(try consolidated.docx(concept, author: "МЗ"))["word/document.xml"])
            #expect(!plain.contains("Объёмы финансирования"))
        }
    }
}
