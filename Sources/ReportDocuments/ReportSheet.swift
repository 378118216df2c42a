/// One worksheet of an Excel workbook written by ``XlsxWriter``: a header row (bold, frozen, with an autofilter)
/// and rows of cells.
public struct ReportSheet: Sendable, Hashable {
    /// The name on the sheet's tab; ``SheetName/sanitized(_:)`` makes it one Excel accepts (at most 31 characters,
    /// none of `: \ / ? * [ ]`), and the writer makes names unique within the workbook.
    public var name: String
    /// The column titles.
    public var header: [String]
    /// The rows under the header; numbers and percentages become numeric cells.
    public var rows: [ReportRow]
    /// The widths of the columns in average characters, one per column; `nil` estimates them from the content.
    public var columnWidths: [Double]?

    /// Creates a sheet.
    /// - Parameters:
    ///   - name: The tab's name (sanitised when written).
    ///   - header: The column titles.
    ///   - rows: The rows under the header.
    ///   - columnWidths: Column widths in characters, or `nil` to estimate them.
    public init(name: String, header: [String], rows: [ReportRow] = [], columnWidths: [Double]? = nil) {
        self.name = name
        self.header = header
        self.rows = rows
        self.columnWidths = columnWidths
    }

    /// A sheet with the header, rows and column widths of `table`, named `name` (the caption when `nil`).
    public init(name: String? = nil, table: ReportTable) {
        self.init(name: name ?? table.caption, header: table.header, rows: table.rows, columnWidths: table.columnWidths)
    }
}
