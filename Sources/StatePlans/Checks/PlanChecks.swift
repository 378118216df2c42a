/// One consistency check of a plan's data.
public protocol PlanCheck: Sendable {
    /// The discrepancies this check finds in `plan`, in document order.
    func run(_ plan: Plan) -> [Discrepancy]
}

/// All consistency checks, run together.
///
/// The data keep every figure where the document prints it (a table and a note, a row and a summary), so these
/// checks find both the document's own inconsistencies and transcription errors: a mistyped amount breaks at least
/// the row's sum against its printed total.
public enum PlanChecks {
    /// Every check, in the order their findings are listed.
    public static let all: [any PlanCheck] = [
        NumberingCheck(),
        YearsVsTotalCheck(),
        SourcesVsTotalCheck(),
        ChildrenVsParentCheck(),
        BudgetNotesCheck(),
        SourceWithoutAmountCheck(),
        MeasuresVsFinancingCheck(),
        SectionTotalsCheck(),
        IndicatorDirectionCheck(),
    ]

    /// The discrepancies of `plan` found by every check.
    public static func run(_ plan: Plan) -> [Discrepancy] {
        all.flatMap { $0.run(plan) }
    }
}
