import Foundation
import Surveillance

/// A weekly case series as an SVG chart made on the server: a bar per week, the Farrington threshold as a line
/// where it was computed, and a marker on each week with an alarm. Colours come from the stylesheet's classes
/// (the page's content security policy allows no inline styles); the title and description make it readable to
/// screen readers, and the page shows the numbers in a table as well.
struct SeriesChart {
    var points: [SignalJournal.WeekPoint]
    var title: String
    var casesLabel: String
    var thresholdLabel: String
    var alarmLabel: String
    /// Unique on the page: the title's and description's element ids are made from it.
    var id: String { "chart-" + String(Self.fnv1a(title), radix: 36) }
    var width = 720.0
    var height = 260.0

    /// A stable 64-bit FNV-1a hash, so that the same chart has the same ids in every rendering.
    static func fnv1a(_ text: String) -> UInt64 {
        text.utf8.reduce(14_695_981_039_346_656_037 as UInt64) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }

    func svg() -> String {
        let left = 40.0, right = 12.0, top = 16.0, bottom = 36.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let highest = points.map { max(Double($0.cases), $0.upperbound ?? 0) }.max() ?? 0
        let yMax = Self.niceCeiling(max(highest, 1))
        let step = plotWidth / Double(max(points.count, 1))
        func x(_ i: Int) -> Double { left + step * Double(i) }
        func y(_ v: Double) -> Double { top + plotHeight * (1 - v / yMax) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Self.f(width)) \(Self.f(height))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\">"
        out += "<title id=\"\(id)-title\">\(Self.escape(title))</title>"
        let alarms = points.filter(\.alarm).map(\.week)
        out += "<desc id=\"\(id)-desc\">\(Self.escape("\(casesLabel); \(thresholdLabel)" + (alarms.isEmpty ? "" : "; \(alarmLabel): " + alarms.joined(separator: ", "))))</desc>"
        // Axis and grid: 0, half, top.
        for fraction in [0.0, 0.5, 1.0] {
            let value = yMax * fraction
            out += "<line class=\"grid\" x1=\"\(Self.f(left))\" x2=\"\(Self.f(width - right))\" y1=\"\(Self.f(y(value)))\" y2=\"\(Self.f(y(value)))\"/>"
            out += "<text class=\"axis\" x=\"\(Self.f(left - 6))\" y=\"\(Self.f(y(value) + 4))\" text-anchor=\"end\">\(Self.label(value))</text>"
        }
        for (i, p) in points.enumerated() {
            let h = plotHeight * Double(p.cases) / yMax
            out += "<rect class=\"\(p.alarm ? "bar alarm" : "bar")\" x=\"\(Self.f(x(i) + step * 0.15))\" y=\"\(Self.f(top + plotHeight - h))\" width=\"\(Self.f(step * 0.7))\" height=\"\(Self.f(h))\"><title>\(Self.escape(p.week)): \(p.cases)</title></rect>"
            if p.alarm {
                out += "<circle class=\"marker\" cx=\"\(Self.f(x(i) + step / 2))\" cy=\"\(Self.f(max(top + 4, top + plotHeight - h - 8)))\" r=\"4\"/>"
            }
        }
        // The threshold: one line through the weeks that have one, broken where a week has none.
        var segments: [[String]] = [[]]
        for (i, p) in points.enumerated() {
            if let bound = p.upperbound { segments[segments.count - 1].append("\(Self.f(x(i) + step / 2)),\(Self.f(y(bound)))") }
            else if !(segments.last?.isEmpty ?? true) { segments.append([]) }
        }
        for segment in segments where !segment.isEmpty {
            if segment.count == 1, let only = segment.first {
                let xy = only.split(separator: ",")
                out += "<circle class=\"bound-point\" cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3\"/>"
            } else {
                out += "<polyline class=\"bound\" points=\"\(segment.joined(separator: " "))\"/>"
            }
        }
        // Week labels, about eight along the axis.
        let every = max(1, points.count / 8)
        for (i, p) in points.enumerated() where i % every == 0 || i == points.count - 1 {
            let short = p.week.split(separator: "-").last.map(String.init) ?? p.week
            out += "<text class=\"axis\" x=\"\(Self.f(x(i) + step / 2))\" y=\"\(Self.f(height - bottom + 16))\" text-anchor=\"middle\">\(Self.escape(short))</text>"
        }
        out += "</svg>"
        return out
    }

    /// 1, 2, 5 × 10ⁿ at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        let magnitude = pow(10, floor(log10(value)))
        for m in [1.0, 2.0, 5.0, 10.0] where m * magnitude >= value { return m * magnitude }
        return 10 * magnitude
    }

    /// A coordinate with one decimal ("12.5"), written by hand: `String(format:)` went through Foundation's
    /// formatter for each of the hundreds of numbers in a page's charts (13 % of the Concept page's time).
    static func f(_ v: Double) -> String {
        guard v.isFinite, abs(v) < 1e15 else { return String(format: "%.1f", v) }
        let tenths = Int((v * 10).rounded())
        let whole = String(abs(tenths) / 10) + "." + String(abs(tenths) % 10)
        return tenths < 0 ? "-" + whole : whole
    }

    static func label(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : f(v) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
