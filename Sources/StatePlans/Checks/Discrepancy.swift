/// A place where a plan's own figures or numbering disagree with each other.
public struct Discrepancy: Sendable, Equatable, CustomStringConvertible {
    /// What was compared.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// A row's year (or period) amounts against its printed total.
        case yearsVsTotal
        /// A row's amounts per source against its printed total; a summary's source rows against its total.
        case sourcesVsTotal
        /// Sub-items against their parent (per column, source and total); a summary's sub-rows against their row.
        case childrenVsParent
        /// The measures' amounts against the document's summary table.
        case measuresVsFinancing
        /// An amount stated in a note inside a row against the row's own cells.
        case budgetNotes
        /// A gap, duplicate or missing number in a list.
        case numbering
        /// An indicator whose plan moves against its "better" direction.
        case indicatorDirection
        /// Section totals against the grand total.
        case sectionsVsGrandTotal
        /// A row that names a funding source but prints no amount.
        case sourceWithoutAmount
    }

    public let planID: String
    public let kind: Kind
    /// Where: "measure 11", "financing row 'РБ'", "indicator 5", "section 10, measure 8".
    public let location: String
    /// The column compared: "2023", "2026-2030", "total", a source ("МБ"); `nil` when not a column.
    public let column: String?
    /// What the reference figure says (the printed total, the table cell, the next number).
    public let expected: String
    /// What the compared figures give.
    public let found: String
    /// One English sentence a reader of the document can check.
    public let message: String

    public init(planID: String, kind: Kind, location: String, column: String? = nil, expected: String, found: String, message: String) {
        self.planID = planID
        self.kind = kind
        self.location = location
        self.column = column
        self.expected = expected
        self.found = found
        self.message = message
    }

    public var description: String {
        "\(planID): \(message)"
    }
}
