import Foundation

/// xl/worksheets/sheetN.xml of one ``ReportSheet``: the header in row 1 frozen above the rest, an autofilter over
/// the table, estimated or given column widths, numbers as numeric cells and text as shared strings.
struct XlsxWorksheet {
    let sheet: ReportSheet
    /// Whether this is the sheet the workbook opens on.
    let isSelected: Bool

    /// The range the table covers, such as "A1:D12".
    var tableRange: String {
        "A1:" + CellReference.cell(row: sheet.rows.count, column: sheet.header.count - 1)
    }

    func xml(strings: inout XlsxSharedStrings, styles: inout XlsxStyleSheet) -> XMLBuilder {
        let widths = sheet.columnWidths
            ?? ColumnWidthEstimate.characters(header: sheet.header, rows: sheet.rows, numberStyle: .en)
        var xml = XMLBuilder()
        xml.element("worksheet", [("xmlns", XlsxWriter.mainNamespace), ("xmlns:r", XlsxWriter.relationshipNamespace)]) { xml in
            xml.empty("dimension", [("ref", tableRange)])
            xml.element("sheetViews") { xml in
                xml.element("sheetView", [("tabSelected", isSelected ? "1" : nil), ("workbookViewId", "0")]) { xml in
                    xml.empty("pane", [("ySplit", "1"), ("topLeftCell", "A2"), ("activePane", "bottomLeft"), ("state", "frozen")])
                    xml.empty("selection", [("pane", "bottomLeft"), ("activeCell", "A2"), ("sqref", "A2")])
                }
            }
            xml.empty("sheetFormatPr", [("defaultRowHeight", "15")])
            xml.element("cols") { xml in
                for (index, width) in widths.enumerated() {
                    let number = String(index + 1)
                    xml.empty("col", [
                        ("min", number), ("max", number), ("width", String(format: "%.2f", width)), ("customWidth", "1"),
                    ])
                }
            }
            xml.element("sheetData") { xml in
                let headerStyle = String(styles.headerIndex())
                xml.element("row", [("r", "1")]) { xml in
                    for (column, title) in sheet.header.enumerated() {
                        let index = strings.index(of: title)
                        xml.element("c", [("r", CellReference.cell(row: 0, column: column)), ("s", headerStyle), ("t", "s")]) {
                            $0.element("v", text: String(index))
                        }
                    }
                }
                for (rowIndex, row) in sheet.rows.enumerated() {
                    xml.element("row", [("r", String(rowIndex + 2))]) { xml in
                        for (column, cell) in row.cells.enumerated() {
                            let reference = CellReference.cell(row: rowIndex + 1, column: column)
                            let style = String(styles.index(of: cell, emphasis: row.emphasis))
                            write(cell, reference: reference, style: style, strings: &strings, to: &xml)
                        }
                    }
                }
            }
            xml.empty("autoFilter", [("ref", tableRange)])
            xml.empty("pageMargins", [
                ("left", "0.7"), ("right", "0.7"), ("top", "0.75"), ("bottom", "0.75"), ("header", "0.3"), ("footer", "0.3"),
            ])
            xml.empty("pageSetup", [("paperSize", "9"), ("orientation", sheet.header.count > PageOrientation.widestPortraitTable ? "landscape" : "portrait")])
        }
        return xml
    }

    private func write(
        _ cell: Cell, reference: String, style: String, strings: inout XlsxSharedStrings, to xml: inout XMLBuilder
    ) {
        switch cell {
        case .text(let text) where !XMLText.sanitized(text).isEmpty:
            let index = strings.index(of: text)
            xml.element("c", [("r", reference), ("s", style), ("t", "s")]) { $0.element("v", text: String(index)) }
        case .number(let value, _), .percent(let value, _):
            xml.element("c", [("r", reference), ("s", style)]) { $0.element("v", text: Self.numberText(value)) }
        case .text, .empty:
            xml.empty("c", [("r", reference), ("s", style)])
        }
    }

    /// `value` as the XML Schema decimal Excel reads: digits, "." and a leading "-" (never "-0").
    static func numberText(_ value: Decimal) -> String {
        let plain = NumberStyle.plainDigits(of: value)
        return (plain.negative ? "-" : "") + plain.integer + (plain.fraction.isEmpty ? "" : "." + plain.fraction)
    }
}
