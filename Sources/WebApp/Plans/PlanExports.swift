import Foundation
import Hummingbird
import KazakhstanRegions
import StatePlans
import StrategyMonitoring

/// A CSV file as spreadsheet programs open it: UTF-8 with a byte-order mark, CRLF lines, fields quoted where they
/// hold a comma, a quote or a line break.
struct CSVFile {
    var header: [String]
    var rows: [[String]] = []

    static func field(_ s: String) -> String {
        s.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    func response(filename: String) -> Response {
        let lines = ([header] + rows).map { $0.map(Self.field).joined(separator: ",") }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(filename)\""],
                        body: .init(byteBuffer: ByteBuffer(string: "\u{FEFF}" + lines.joined(separator: "\r\n") + "\r\n")))
    }
}

extension PlanPages {
    /// Every measure of a plan (optionally of one executor) with its deadline, bodies and money by column and source,
    /// in the plan's currency — what the direction pages show, for a spreadsheet.
    func measuresCSV(_ page: PageRequest, id: String) async throws -> Response {
        _ = try page.require(Self.viewers)
        let plan = try plan(id)
        let executor = page.query("executor").flatMap { $0.isEmpty ? nil : $0 }
        let all = plan.budgets(), keys = plan.measureKeys
        let budgets = plan.measures.indices.filter { Self.names(plan.measures[$0], executor) }.map { (keys[$0], plan.measures[$0], all[$0]) }
        let columns = Set(budgets.flatMap { $0.2.columns.keys }).sorted()
        let sources = Set(budgets.flatMap { $0.2.sources.keys }).sorted()
        var file = CSVFile(header: ["measure", "section", "parent", "text_ru", "text_en", "completion_form", "deadline", "responsible", "lead"]
                           + columns.map { "amount_\($0)" } + ["amount_total"] + sources.map { "source_\($0)" } + ["funding_note", "currency"])
        let currency = plan.currency?.unit.rawValue ?? ""
        for (key, m, budget) in budgets {
            var row: [String] = [key, m.section, m.parent ?? "", m.ru, m.en ?? "", m.completionForm?.ru ?? "", m.deadline?.ru ?? ""]
            row.append(m.responsible.map(\.ru).joined(separator: "; "))
            row.append(m.responsible.first { $0.lead }?.ru ?? "")
            for column in columns { row.append(budget.columns[column].map { "\($0)" } ?? "") }
            row.append(budget.total.map { "\($0)" } ?? "")
            for source in sources { row.append(budget.sources[source].map { "\($0)" } ?? "") }
            row.append(budget.texts.joined(separator: "; "))
            row.append(budget.isEmpty ? "" : currency)
            file.rows.append(row)
        }
        return file.response(filename: "\(id)-measures.csv")
    }

    /// Plan vs fact of every indicator and year, for the country or a region, with the fact's source.
    func indicatorsCSV(_ page: PageRequest, id: String) async throws -> Response {
        _ = try page.require(Self.viewers)
        _ = try plan(id)
        let region = page.query("region").flatMap { r in Regions.all.first { $0.kato == r }?.kato } ?? ""
        var file = CSVFile(header: ["indicator", "name_ru", "unit", "better", "region", "year", "plan", "fact", "achieved", "percent", "source"])
        for (indicator, years) in try await facts.table(plan: id, region: region) {
            for row in years {
                file.rows.append([indicator.number, indicator.ru, indicator.unit?.ru ?? indicator.unit?.en ?? "", indicator.better?.rawValue ?? "", region,
                                  String(row.year), row.plan.map { "\($0)" } ?? "", row.fact.map { "\($0.value)" } ?? "",
                                  row.achievement.map { $0.achieved ? "yes" : "no" } ?? "",
                                  row.achievement?.percent.map { String(format: "%.1f", NSDecimalNumber(decimal: $0).doubleValue) } ?? "", row.fact?.source ?? ""])
            }
        }
        return file.response(filename: "\(id)-indicators\(region.isEmpty ? "" : "-" + region).csv")
    }
}
