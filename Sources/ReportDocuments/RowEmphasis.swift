/// How a table row stands out from the others.
public enum RowEmphasis: Sendable, Hashable {
    /// An ordinary row.
    case none
    /// Bold text, for totals and subtotals.
    case bold
    /// Bold dark-red text, for rows that need attention such as overdue measures.
    case alert
}
