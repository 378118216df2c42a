/// word/document.xml of a ``ReportDocument``.
struct DocxBody {
    static let wordNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    /// The colour of ``RowEmphasis/alert`` rows.
    static let alertColor = "C00000"
    /// The shading of header cells.
    static let headerFill = "D9D9D9"

    let document: ReportDocument
    let layout: DocxPageLayout

    func xml() -> XMLBuilder {
        var xml = XMLBuilder()
        xml.element("w:document", [("xmlns:w", Self.wordNamespace), ("xmlns:r", Self.relationshipNamespace)]) { xml in
            xml.element("w:body") { xml in
                paragraph(document.title, style: "Title", to: &xml)
                if let subtitle = document.subtitle, !subtitle.isEmpty {
                    paragraph(subtitle, style: "Subtitle", to: &xml)
                }
                for block in document.blocks { write(block, to: &xml) }
                layout.write(to: &xml)
            }
        }
        return xml
    }

    private func write(_ block: Block, to xml: inout XMLBuilder) {
        switch block {
        case .heading(let level, let text):
            paragraph(text, style: "Heading\(level)", to: &xml)
        case .paragraph(let text, let style):
            paragraph(text, style: style == .note ? "Note" : nil, to: &xml)
        case .table(let table):
            write(table, to: &xml)
        case .pageBreak:
            xml.element("w:p") { xml in
                xml.element("w:r") { $0.empty("w:br", [("w:type", "page")]) }
            }
        }
    }

    /// A paragraph of `text` in `style` (Normal when `nil`), right-aligned if asked, its run bold or red as
    /// `emphasis` says.
    private func paragraph(
        _ text: String, style: String?, alignRight: Bool = false, emphasis: RowEmphasis = .none, to xml: inout XMLBuilder
    ) {
        xml.element("w:p") { xml in
            if style != nil || alignRight {
                xml.element("w:pPr") { xml in
                    if let style { xml.empty("w:pStyle", [("w:val", style)]) }
                    if alignRight { xml.empty("w:jc", [("w:val", "right")]) }
                }
            }
            guard !text.isEmpty else { return }
            xml.element("w:r") { xml in
                if emphasis != .none {
                    xml.element("w:rPr") { xml in
                        xml.empty("w:b")
                        xml.empty("w:bCs")
                        if emphasis == .alert { xml.empty("w:color", [("w:val", Self.alertColor)]) }
                    }
                }
                runContent(text, to: &xml)
            }
        }
    }

    /// The text of a run: each line in a w:t (spaces preserved), lines separated by w:br, tabs as w:tab.
    private func runContent(_ text: String, to xml: inout XMLBuilder) {
        let lines = XMLText.sanitized(text).split(separator: "\n", omittingEmptySubsequences: false)
        for (lineIndex, line) in lines.enumerated() {
            if lineIndex > 0 { xml.empty("w:br") }
            let pieces = line.split(separator: "\t", omittingEmptySubsequences: false)
            for (pieceIndex, piece) in pieces.enumerated() {
                if pieceIndex > 0 { xml.empty("w:tab") }
                if !piece.isEmpty { xml.element("w:t", [("xml:space", "preserve")], text: String(piece)) }
            }
        }
    }

    private func write(_ table: ReportTable, to xml: inout XMLBuilder) {
        if !table.caption.isEmpty { paragraph(table.caption, style: "Caption", to: &xml) }
        let weights = table.columnWidths
            ?? ColumnWidthEstimate.characters(header: table.header, rows: table.rows, numberStyle: document.numberStyle)
        let twips = layout.columnTwips(weights: weights)
        xml.element("w:tbl") { xml in
            xml.element("w:tblPr") { xml in
                xml.empty("w:tblStyle", [("w:val", "ReportTable")])
                xml.empty("w:tblW", [("w:w", String(layout.textWidth)), ("w:type", "dxa")])
                xml.empty("w:tblLayout", [("w:type", "fixed")])
                xml.empty("w:tblLook", [
                    ("w:val", "04A0"), ("w:firstRow", "1"), ("w:lastRow", "0"), ("w:firstColumn", "0"),
                    ("w:lastColumn", "0"), ("w:noHBand", "1"), ("w:noVBand", "1"),
                ])
            }
            xml.element("w:tblGrid") { xml in
                for width in twips { xml.empty("w:gridCol", [("w:w", String(width))]) }
            }
            xml.element("w:tr") { xml in
                xml.element("w:trPr") { xml in
                    xml.empty("w:cantSplit")
                    xml.empty("w:tblHeader")
                }
                for (column, title) in table.header.enumerated() {
                    cell(width: twips[column], shaded: true, to: &xml) { xml in
                        paragraph(title, style: "TableHeading", to: &xml)
                    }
                }
            }
            for row in table.rows {
                xml.element("w:tr") { xml in
                    xml.element("w:trPr") { $0.empty("w:cantSplit") }
                    for (column, value) in row.cells.enumerated() {
                        cell(width: twips[column], shaded: false, to: &xml) { xml in
                            paragraph(
                                document.numberStyle.text(for: value), style: "TableText",
                                alignRight: value.isNumeric, emphasis: row.emphasis, to: &xml
                            )
                        }
                    }
                }
            }
        }
        // Word needs a paragraph between a table and whatever follows it.
        xml.element("w:p") { $0.element("w:pPr") { $0.empty("w:pStyle", [("w:val", "TableText")]) } }
    }

    private func cell(width: Int, shaded: Bool, to xml: inout XMLBuilder, content: (inout XMLBuilder) -> Void) {
        xml.element("w:tc") { xml in
            xml.element("w:tcPr") { xml in
                xml.empty("w:tcW", [("w:w", String(width)), ("w:type", "dxa")])
                if shaded { xml.empty("w:shd", [("w:val", "clear"), ("w:color", "auto"), ("w:fill", Self.headerFill)]) }
                xml.empty("w:vAlign", [("w:val", shaded ? "center" : "top")])
            }
            content(&xml)
        }
    }
}
