import Foundation

/// A stacked bar chart made on the server — a plan's financing by year (one bar per printed column, one colour per
/// printed row of the summary: a funding source, or a section of the roadmap), or the reports of a period by
/// direction (submitted, due, overdue). The page
/// shows the same numbers in a table; title and description make the chart readable to screen readers.
struct BudgetChart {
    struct Series {
        var label: String
        /// Column label → amount.
        var values: [String: Double]
        /// The colour's class where it means something ("late" for overdue reports); else by position.
        var style: String? = nil
    }

    var id: String
    var title: String
    var columns: [String]
    var series: [Series]
    var width = 560.0
    var height = 200.0

    /// The class of the series' colour (four are styled; more repeat them).
    static func colour(_ index: Int) -> String { "s\(index % 4)" }

    func svg() -> String {
        let left = 56.0, right = 8.0, top = 10.0, bottom = 24.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let stacks = columns.map { c in series.reduce(0) { $0 + ($1.values[c] ?? 0) } }
        let yMax = SeriesChart.niceCeiling(max(stacks.max() ?? 1, 1))
        let step = plotWidth / Double(max(columns.count, 1))
        func y(_ v: Double) -> Double { top + plotHeight * (1 - v / yMax) }
        let described = columns.map { c in
            c + ": " + series.map { "\($0.label) \(SeriesChart.f($0.values[c] ?? 0))" }.joined(separator: ", ")
        }.joined(separator: "; ")
        var out = ChartFrame.open(id: id, title: title, description: described, width: width, height: height, small: false)
        out += ChartFrame.grid(left: left, right: width - right, yMax: yMax, y: y, label: { $0 >= 10 ? String(Int($0.rounded())) : SeriesChart.f($0) })
        for (i, column) in columns.enumerated() {
            let w = step * 0.6, x = left + step * (Double(i) + 0.5) - w / 2
            var base = 0.0
            for (k, s) in series.enumerated() {
                guard let v = s.values[column], v > 0 else { continue }
                out += "<rect class=\"stack \(s.style ?? Self.colour(k))\" x=\"\(SeriesChart.f(x))\" y=\"\(SeriesChart.f(y(base + v)))\" width=\"\(SeriesChart.f(w))\" height=\"\(SeriesChart.f(y(base) - y(base + v)))\"/>"
                base += v
            }
            out += "<text class=\"axis\" x=\"\(SeriesChart.f(left + step * (Double(i) + 0.5)))\" y=\"\(SeriesChart.f(height - 6))\" text-anchor=\"middle\">\(SeriesChart.escape(column))</text>"
        }
        return out + "</svg>"
    }
}
