/// A table of a report: a caption, a header row and rows of cells.
///
/// Every row has exactly as many cells as the header has titles; the writers reject other tables with
/// ``ReportDocumentError/rowWidthMismatch(table:row:expected:found:)``.
public struct ReportTable: Sendable, Hashable {
    /// The caption written above the table (style Caption); omitted when empty.
    public var caption: String
    /// The column titles; in Word this row is repeated at the top of every page the table runs over.
    public var header: [String]
    /// The rows under the header.
    public var rows: [ReportRow]
    /// The widths of the columns in average characters, one per column, each positive; `nil` estimates them from
    /// the content. Word scales them to fill the width of the page, so there they are proportions.
    public var columnWidths: [Double]?

    /// Creates a table.
    /// - Parameters:
    ///   - caption: The caption above the table.
    ///   - header: The column titles.
    ///   - rows: The rows under the header.
    ///   - columnWidths: Column widths in characters, or `nil` to estimate them.
    public init(caption: String = "", header: [String], rows: [ReportRow] = [], columnWidths: [Double]? = nil) {
        self.caption = caption
        self.header = header
        self.rows = rows
        self.columnWidths = columnWidths
    }
}

/// One row of a ``ReportTable`` or a ``ReportSheet``.
public struct ReportRow: Sendable, Hashable {
    /// The cells, one per column.
    public var cells: [Cell]
    /// How the row stands out.
    public var emphasis: RowEmphasis

    /// Creates a row.
    /// - Parameters:
    ///   - cells: The cells, one per column.
    ///   - emphasis: How the row stands out; not at all by default.
    public init(_ cells: [Cell], emphasis: RowEmphasis = .none) {
        self.cells = cells
        self.emphasis = emphasis
    }
}
