import Foundation
import ReportDocuments
import StatePlans

/// The ministry's consolidated report on a plan for one reporting period — what the decrees ask it to send to the
/// Government's office (the Concept by 1 May, the cancer plan by 15 February and 15 August): every measure's
/// report by executor, grouped by direction, with overdue ones marked, and the indicators' plan vs fact; as a
/// Word document and as an Excel workbook.
public struct ConsolidatedReport: Sendable {
    public let reports: ProgressReports
    public let facts: IndicatorFacts

    public init(reports: ProgressReports, facts: IndicatorFacts) {
        self.reports = reports
        self.facts = facts
    }

    /// The report's content, for both formats.
    public struct Content: Sendable {
        public var plan: Plan
        public var period: ReportingPeriod
        public var asOf: Day
        /// Per top-level section (direction), its obligations in measure order.
        public var sections: [(section: Section?, rows: [ProgressReports.Obligation])]
        public var indicators: [(indicator: Indicator, years: [IndicatorFacts.YearRow])]

        public var obligations: [ProgressReports.Obligation] { sections.flatMap(\.rows) }
    }

    /// Gathers the content of `period`'s report as of `today`.
    public func content(plan id: String, period: ReportingPeriod, today: Day) async throws -> Content {
        let plan = try reports.plans.plan(id)
        let all = try await reports.obligations(plan: id, today: today, horizon: Day.endOfYear(max(today.year, period.last.year + 1)))
            .filter { $0.period == period }
        let byKey = plan.measuresByKey
        var grouped: [(Section?, [ProgressReports.Obligation])] = plan.sections.map { top in
            let ids = Set(top.flattened.map(\.id))
            return (top, all.filter { o in byKey[o.measure].map { ids.contains($0.section) } ?? false })
        }
        let placed = Set(grouped.flatMap { $0.1.map { "\($0.measure)|\($0.executor)" } })
        let rest = all.filter { !placed.contains("\($0.measure)|\($0.executor)") }
        if !rest.isEmpty { grouped.append((nil, rest)) }
        let table = try await facts.table(plan: id)
        return Content(plan: plan, period: period, asOf: today, sections: grouped.filter { !$0.1.isEmpty }, indicators: table)
    }

    static let statusText: [ProgressReports.Status: String] = [.done: "выполнено", .inProgress: "в процессе исполнения", .notDone: "не выполнено"]

    static func state(_ o: ProgressReports.Obligation) -> String {
        switch o.state {
        case .submitted: statusText[o.report?.status ?? .inProgress] ?? ""
        case .due: "ожидается до \(ru(o.due))"
        case .overdue: "не представлено (срок \(ru(o.due)))"
        }
    }

    static func ru(_ day: Day) -> String { String(format: "%02d.%02d.%04d", day.day, day.month, day.year) }

    static let measureHeader = ["№", "Мероприятие", "Исполнитель", "Статус", "Ход исполнения", "Подтверждение"]
    static let indicatorHeader = ["№", "Индикатор", "Ед. изм.", "Год", "План", "Факт", "Достигнуто", "% от плана", "Источник"]

    func measureRows(_ content: Content, _ rows: [ProgressReports.Obligation]) -> [ReportRow] {
        let byKey = content.plan.measuresByKey
        return rows.map { o in
            let measure = byKey[o.measure]
            return ReportRow([.text(o.measure), .text(measure?.ru ?? ""), .text(o.executor + (o.lead ? " (головной)" : "")), .text(Self.state(o)),
                              .text(o.report?.progress ?? ""), .text(o.report?.evidence ?? "")],
                             emphasis: o.state == .overdue ? .alert : .none)
        }
    }

    func indicatorRows(_ content: Content) -> [ReportRow] {
        content.indicators.flatMap { indicator, years in
            years.filter { $0.year >= content.period.first.year - 1 && $0.year <= content.period.last.year }.map { row in
                ReportRow([.text(indicator.number), .text(indicator.ru), .text(indicator.unit?.ru ?? ""), .text(String(row.year)),
                           row.plan.map { .number($0, fractionDigits: Self.digits($0)) } ?? .empty,
                           row.fact.map { .number($0.value, fractionDigits: Self.digits($0.value)) } ?? .empty,
                           .text(row.achievement.map { $0.achieved ? "да" : "нет" } ?? ""),
                           row.achievement?.percent.map { .percent($0 / 100, fractionDigits: 1) } ?? .empty,
                           .text(row.fact?.source ?? "")],
                          emphasis: row.achievement?.achieved == false ? .alert : .none)
            }
        }
    }

    /// The document's own financing summary as printed (rows by year or period column, with the unit), and the
    /// money of each direction re-added from its measures' rows in the plan's currency; nil for a plan without money.
    func financing(_ content: Content) -> (unit: String, summary: ReportTable?, directions: ReportTable)? {
        let plan = content.plan
        guard plan.hasMoney || plan.financing != nil else { return nil }
        var summary: ReportTable?
        if let financing = plan.financing, let total = financing.total {
            let columns = Set(financing.rows.flatMap(\.years.keys)).union(total.years.keys).sorted()
            func row(_ r: Financing.Row, _ emphasis: RowEmphasis) -> ReportRow {
                let label = r.section.flatMap { id in plan.allSections.first { $0.id == id }?.ru } ?? r.ru ?? r.source ?? ""
                return ReportRow([.text((r.level > 0 ? "  " : "") + label)] + columns.map { c in r.years[c].map { .number($0, fractionDigits: Self.digits($0)) } ?? .empty }
                                 + [r.total.map { .number($0, fractionDigits: Self.digits($0)) } ?? .empty], emphasis: emphasis)
            }
            summary = ReportTable(header: ["Источник / раздел"] + columns.map(\.description) + ["Всего"],
                                  rows: financing.rows.map { row($0, .none) } + [row(total, .bold)])
        }
        let budgets = plan.budgets()
        let directions = ReportTable(header: ["Направление", "Всего по мероприятиям"], rows: plan.sections.map { top in
            let total = plan.budget(section: top.id, budgets: budgets).total
            return ReportRow([.text("\(top.id). \(top.ru)"), total.map { .number($0, fractionDigits: Self.digits($0)) } ?? .empty])
        })
        let unit = (plan.financing?.unit ?? plan.currency)?.ru ?? ""
        return (unit, summary, directions)
    }

    static func digits(_ value: Decimal) -> Int {
        var v = value, rounded = Decimal()
        NSDecimalRound(&rounded, &v, 0, .plain)
        if rounded == value { return 0 }
        NSDecimalRound(&rounded, &v, 1, .plain)
        return rounded == value ? 1 : 2
    }

    /// The report as a Word document.
    public func docx(_ content: Content, author: String) throws -> Data {
        let obligations = content.obligations
        let sent = obligations.filter { $0.state == .submitted }
        var blocks: [Block] = [
            .paragraph("Отчётный период: \(Self.ru(content.period.first)) – \(Self.ru(content.period.last)). Состояние на \(Self.ru(content.asOf)).", style: .normal),
            .paragraph("Отчётов исполнителей: \(obligations.count); представлено \(sent.count), из них выполнено \(sent.filter { $0.report?.status == .done }.count), "
                       + "в процессе исполнения \(sent.filter { $0.report?.status == .inProgress }.count), не выполнено \(sent.filter { $0.report?.status == .notDone }.count); "
                       + "не представлено в срок \(obligations.filter { $0.state == .overdue }.count).", style: .normal),
        ]
        for (section, rows) in content.sections {
            blocks.append(.heading(level: 2, section.map { "\($0.id). \($0.ru)" } ?? "Прочие мероприятия"))
            blocks.append(.table(ReportTable(header: Self.measureHeader, rows: measureRows(content, rows), columnWidths: [6, 40, 14, 14, 40, 16])))
        }
        let indicators = indicatorRows(content)
        if !indicators.isEmpty {
            blocks.append(.heading(level: 2, "Целевые индикаторы"))
            blocks.append(.table(ReportTable(header: Self.indicatorHeader, rows: indicators, columnWidths: [5, 40, 10, 6, 9, 9, 8, 9, 20])))
        }
        if let money = financing(content) {
            blocks.append(.heading(level: 2, "Объёмы финансирования"))
            if let summary = money.summary {
                blocks.append(.paragraph("Сводная таблица документа, \(money.unit):", style: .normal))
                blocks.append(.table(summary))
            }
            blocks.append(.paragraph("По направлениям — сумма строк мероприятий, \(content.plan.currency?.ru ?? ""):", style: .normal))
            blocks.append(.table(money.directions))
        }
        blocks.append(.paragraph("Сформировано платформой Densauluq по отчётам исполнителей; расхождения в самих документах — docs/plans/checks.md.", style: .note))
        let document = ReportDocument(title: "Сводная информация о ходе реализации: " + (content.plan.title.ru ?? content.plan.id),
                                      subtitle: content.plan.act?.ru, metadata: DocumentMetadata(author: author), orientation: .landscape, blocks: blocks)
        return try DocxWriter.write(document)
    }

    /// The report as an Excel workbook: the measures (with their direction) and the indicators.
    public func xlsx(_ content: Content, author: String) throws -> Data {
        let measures = content.sections.flatMap { section, rows in
            measureRows(content, rows).map { row in ReportRow([.text(section?.id ?? "")] + row.cells, emphasis: row.emphasis) }
        }
        var sheets = [
            ReportSheet(name: "Мероприятия", header: ["Направление"] + Self.measureHeader, rows: measures),
            ReportSheet(name: "Индикаторы", header: Self.indicatorHeader, rows: indicatorRows(content)),
        ]
        if let money = financing(content) {
            if let summary = money.summary { sheets.append(ReportSheet(name: "Финансирование", header: summary.header, rows: summary.rows)) }
            sheets.append(ReportSheet(name: "По направлениям", header: money.directions.header, rows: money.directions.rows))
        }
        return try XlsxWriter.write(sheets: sheets, metadata: DocumentMetadata(author: author), title: content.plan.title.ru ?? content.plan.id)
    }
}
