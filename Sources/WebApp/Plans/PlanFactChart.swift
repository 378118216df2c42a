import Foundation

/// An indicator's plan and fact by year as a small SVG chart made on the server: the plan as a line with points,
/// each year's fact as a bar (red where the plan was missed). The page shows the numbers in a table as well; the
/// title and description make the chart readable to screen readers.
struct PlanFactChart {
    struct Point {
        var year: Int
        var plan: Double?
        var fact: Double?
        var achieved: Bool?
    }

    var id: String
    var title: String
    var points: [Point]
    var planLabel: String
    var factLabel: String
    var width = 360.0
    var height = 150.0

    func svg() -> String {
        let left = 36.0, right = 8.0, top = 10.0, bottom = 24.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let highest = points.flatMap { [$0.plan, $0.fact].compactMap { $0 } }.max() ?? 1
        let yMax = SeriesChart.niceCeiling(max(highest, 1))
        let step = plotWidth / Double(max(points.count, 1))
        func x(_ i: Int) -> Double { left + step * (Double(i) + 0.5) }
        func y(_ v: Double) -> Double { top + plotHeight * (1 - v / yMax) }
        let described = points.map { p in
            "\(p.year): \(planLabel) \(p.plan.map { SeriesChart.f($0) } ?? "—"), \(factLabel) \(p.fact.map { SeriesChart.f($0) } ?? "—")"
        }.joined(separator: "; ")
        var out = ChartFrame.open(id: id, title: title, description: described, width: width, height: height, small: true)
        out += ChartFrame.grid(left: left, right: width - right, yMax: yMax, y: y, label: SeriesChart.f)
        for (i, p) in points.enumerated() {
            if let fact = p.fact {
                let w = step * 0.5
                out += "<rect class=\"bar\(p.achieved == false ? " alarm" : "")\" x=\"\(SeriesChart.f(x(i) - w / 2))\" y=\"\(SeriesChart.f(y(fact)))\" width=\"\(SeriesChart.f(w))\" height=\"\(SeriesChart.f(max(0, y(0) - y(fact))))\"/>"
            }
            out += "<text class=\"axis\" x=\"\(SeriesChart.f(x(i)))\" y=\"\(SeriesChart.f(height - 6))\" text-anchor=\"middle\">\(p.year)</text>"
        }
        let planned = points.enumerated().compactMap { i, p in p.plan.map { (x(i), y($0)) } }
        if planned.count > 1 {
            out += "<polyline class=\"bound\" points=\"" + planned.map { "\(SeriesChart.f($0.0)),\(SeriesChart.f($0.1))" }.joined(separator: " ") + "\"/>"
        }
        for (px, py) in planned { out += "<circle class=\"bound-point\" cx=\"\(SeriesChart.f(px))\" cy=\"\(SeriesChart.f(py))\" r=\"3\"/>" }
        return out + "</svg>"
    }
}
