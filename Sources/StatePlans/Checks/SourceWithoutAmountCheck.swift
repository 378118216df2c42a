import Foundation

/// A row of a plan that prints money must not name a funding source without any amount (the cancer plan's
/// items 17, 45 and 46: every amount cell a dash, the source cell «МБ» or «ВС»). The verbatim source cell is
/// the row's `extra.sourceRu`; a row whose source cell is text («не требуется») has a text amount and passes.
public struct SourceWithoutAmountCheck: PlanCheck {
    public init() {}

    public func run(_ plan: Plan) -> [Discrepancy] {
        guard plan.currency != nil else { return [] }
        return plan.measures.compactMap { measure in
            guard measure.budget.isEmpty, let source = measure.extra["sourceRu"]?.string,
                  !source.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            let location = plan.label(of: measure)
            return Discrepancy(
                planID: plan.id, kind: .sourceWithoutAmount, location: location, column: nil,
                expected: "an amount from \(source)", found: "no amount",
                message: "\(location): the source cell reads «\(source)» but no amount is printed")
        }
    }
}
