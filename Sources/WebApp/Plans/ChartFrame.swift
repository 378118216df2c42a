/// What the plan pages' small charts share: the `<svg>` opening with a title and a description for screen
/// readers, and three horizontal grid lines (zero, half, top) with their values on the left axis.
enum ChartFrame {
    static func open(id: String, title: String, description: String, width: Double, height: Double, small: Bool) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\(small ? " small" : "")\" viewBox=\"0 0 \(SeriesChart.f(width)) \(SeriesChart.f(height))\" role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\">"
            + "<title id=\"\(id)-title\">\(SeriesChart.escape(title))</title><desc id=\"\(id)-desc\">\(SeriesChart.escape(description))</desc>"
    }

    /// `y` maps a value to its vertical position; `label` writes a value on the axis.
    static func grid(left: Double, right: Double, yMax: Double, y: (Double) -> Double, label: (Double) -> String) -> String {
        (0...2).map { k in
            let v = yMax * Double(k) / 2
            return "<line class=\"grid\" x1=\"\(SeriesChart.f(left))\" x2=\"\(SeriesChart.f(right))\" y1=\"\(SeriesChart.f(y(v)))\" y2=\"\(SeriesChart.f(y(v)))\"/>"
                + "<text class=\"axis\" x=\"\(SeriesChart.f(left - 4))\" y=\"\(SeriesChart.f(y(v) + 4))\" text-anchor=\"end\">\(label(v))</text>"
        }.joined()
    }
}
