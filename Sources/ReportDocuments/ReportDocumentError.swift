/// Why a document or workbook could not be written, with where the problem is.
///
/// Row and column numbers are counted from 0 among the data rows (the header row is not counted); `table` is a
/// table's caption or a sheet's name (or "table N" for a table without a caption, N from 1).
public enum ReportDocumentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A heading's level is outside 1...3; `blockIndex` is its place in ``ReportDocument/blocks``.
    case invalidHeadingLevel(Int, blockIndex: Int)
    /// A table has no columns.
    case tableWithoutColumns(table: String)
    /// A row has another number of cells than the header has titles.
    case rowWidthMismatch(table: String, row: Int, expected: Int, found: Int)
    /// The column widths are not one per column.
    case columnWidthCountMismatch(table: String, expected: Int, found: Int)
    /// A column width is not a positive finite number.
    case invalidColumnWidth(table: String, column: Int, width: Double)
    /// A number or percentage cell asks for decimals outside 0...``Cell/maximumFractionDigits``.
    case invalidFractionDigits(table: String, row: Int, column: Int, fractionDigits: Int)
    /// A number or percentage cell holds NaN.
    case notANumber(table: String, row: Int, column: Int)
    /// A workbook was asked for with no sheets.
    case noSheets
    /// The ZIP archive could not be made; `part` is the part being added, if any.
    case archive(part: String, reason: String)

    public var description: String {
        switch self {
        case .invalidHeadingLevel(let level, let index):
            return "block \(index): heading level \(level) is not one of 1, 2, 3"
        case .tableWithoutColumns(let table):
            return "\(table): the table has no columns"
        case .rowWidthMismatch(let table, let row, let expected, let found):
            return "\(table), row \(row): \(found) cells where the header has \(expected) columns"
        case .columnWidthCountMismatch(let table, let expected, let found):
            return "\(table): \(found) column widths for \(expected) columns"
        case .invalidColumnWidth(let table, let column, let width):
            return "\(table), column \(column): width \(width) is not a positive number"
        case .invalidFractionDigits(let table, let row, let column, let digits):
            return "\(table), row \(row), column \(column): \(digits) fraction digits is outside 0...\(Cell.maximumFractionDigits)"
        case .notANumber(let table, let row, let column):
            return "\(table), row \(row), column \(column): the number is NaN"
        case .noSheets:
            return "a workbook needs at least one sheet"
        case .archive(let part, let reason):
            return part.isEmpty ? "ZIP archive: \(reason)" : "ZIP archive, part \(part): \(reason)"
        }
    }
}
