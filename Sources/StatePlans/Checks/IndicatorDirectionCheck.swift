import Foundation

/// An indicator's plan must not move against its "better" direction: from the baseline to the first plan year
/// and from each plan year to the next (a "lower is better" indicator whose plan rises, a "higher" one that falls).
/// Expected results printed in the indicator shape are checked the same way.
public struct IndicatorDirectionCheck: PlanCheck {
    public init() {}

    public func run(_ plan: Plan) -> [Discrepancy] {
        plan.indicators.flatMap { check($0, label: "indicator \($0.number)", plan: plan) }
            + plan.expectedResults.flatMap { check($0, label: "expected result \($0.number)", plan: plan) }
    }

    private func check(_ indicator: Indicator, label: String, plan: Plan) -> [Discrepancy] {
        guard let better = indicator.better else { return [] }
        let series = indicator.series
        return zip(series, series.dropFirst()).compactMap { previous, next in
            let against = better == .higher ? next.value < previous.value : next.value > previous.value
            guard against else { return nil }
            let from = indicator.baseline?.year == previous.year ? "the \(previous.year) baseline" : "\(previous.year)"
            return Discrepancy(
                planID: plan.id, kind: .indicatorDirection, location: label, column: "\(next.year)",
                expected: (better == .higher ? "≥ " : "≤ ") + Compare.text(previous.value), found: Compare.text(next.value),
                message: "\(label) (\(better.rawValue) is better) goes from \(Compare.text(previous.value)) (\(from)) to \(Compare.text(next.value)) in \(next.year)")
        }
    }
}
