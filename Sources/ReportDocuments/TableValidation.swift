/// The checks both writers make on a table's shape and cells before writing it.
struct TableValidation {
    /// The table's name in error messages.
    let label: String
    let header: [String]
    let rows: [ReportRow]
    let columnWidths: [Double]?

    /// Throws the first problem found: no columns, a row of the wrong width, wrong column widths, a number with
    /// impossible decimals or NaN.
    func validate() throws(ReportDocumentError) {
        guard !header.isEmpty else { throw .tableWithoutColumns(table: label) }
        if let columnWidths {
            guard columnWidths.count == header.count else {
                throw .columnWidthCountMismatch(table: label, expected: header.count, found: columnWidths.count)
            }
            for (column, width) in columnWidths.enumerated() where !(width.isFinite && width > 0) {
                throw .invalidColumnWidth(table: label, column: column, width: width)
            }
        }
        for (rowIndex, row) in rows.enumerated() {
            guard row.cells.count == header.count else {
                throw .rowWidthMismatch(table: label, row: rowIndex, expected: header.count, found: row.cells.count)
            }
            for (column, cell) in row.cells.enumerated() {
                switch cell {
                case .number(let value, let digits), .percent(let value, let digits):
                    guard (0...Cell.maximumFractionDigits).contains(digits) else {
                        throw .invalidFractionDigits(table: label, row: rowIndex, column: column, fractionDigits: digits)
                    }
                    guard !value.isNaN else { throw .notANumber(table: label, row: rowIndex, column: column) }
                case .text, .empty:
                    break
                }
            }
        }
    }
}

extension ReportTable {
    /// The checks of ``TableValidation``, naming the table by its caption or as "table `ordinal`".
    func validate(ordinal: Int) throws(ReportDocumentError) {
        let label = caption.isEmpty ? "table \(ordinal)" : caption
        try TableValidation(label: label, header: header, rows: rows, columnWidths: columnWidths).validate()
    }
}

extension ReportSheet {
    /// The checks of ``TableValidation``, naming the sheet by its (sanitised) name.
    func validate(label: String) throws(ReportDocumentError) {
        try TableValidation(label: label, header: header, rows: rows, columnWidths: columnWidths).validate()
    }
}
