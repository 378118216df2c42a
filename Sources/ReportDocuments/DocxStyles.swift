/// word/styles.xml: Times New Roman 12 pt text in the document's language, the paragraph styles the body uses and
/// the bordered table style.
enum DocxStyles {
    static let font = "Times New Roman"

    /// A paragraph style.
    private struct ParagraphStyleSpec {
        var id: String
        var name: String
        var basedOn: String? = "Normal"
        var next: String? = nil
        var outlineLevel: Int? = nil
        var keepNext = false
        var centered = false
        var spacingBefore: Int? = nil
        var spacingAfter: Int? = nil
        var bold = false
        var italic = false
        var color: String? = nil
        var halfPoints: Int? = nil
    }

    private static let paragraphStyles: [ParagraphStyleSpec] = [
        ParagraphStyleSpec(id: "Title", name: "Title", next: "Normal", centered: true, spacingAfter: 120, bold: true, halfPoints: 32),
        ParagraphStyleSpec(id: "Subtitle", name: "Subtitle", next: "Normal", centered: true, spacingAfter: 240, italic: true, halfPoints: 26),
        ParagraphStyleSpec(id: "Heading1", name: "heading 1", next: "Normal", outlineLevel: 0, keepNext: true, spacingBefore: 360, spacingAfter: 120, bold: true, halfPoints: 30),
        ParagraphStyleSpec(id: "Heading2", name: "heading 2", next: "Normal", outlineLevel: 1, keepNext: true, spacingBefore: 240, spacingAfter: 120, bold: true, halfPoints: 27),
        ParagraphStyleSpec(id: "Heading3", name: "heading 3", next: "Normal", outlineLevel: 2, keepNext: true, spacingBefore: 240, spacingAfter: 60, bold: true, italic: true, halfPoints: 24),
        ParagraphStyleSpec(id: "Note", name: "Note", italic: true, color: "595959", halfPoints: 20),
        ParagraphStyleSpec(id: "Caption", name: "caption", next: "Normal", keepNext: true, spacingBefore: 120, spacingAfter: 60, bold: true, halfPoints: 22),
        ParagraphStyleSpec(id: "TableText", name: "Table Text", spacingAfter: 0, halfPoints: 20),
        ParagraphStyleSpec(id: "TableHeading", name: "Table Heading", basedOn: "TableText", keepNext: true, centered: true, bold: true),
    ]

    static func xml(language: String) -> XMLBuilder {
        var xml = XMLBuilder()
        xml.element("w:styles", [("xmlns:w", DocxBody.wordNamespace)]) { xml in
            xml.element("w:docDefaults") { xml in
                xml.element("w:rPrDefault") { xml in
                    xml.element("w:rPr") { xml in
                        xml.empty("w:rFonts", [("w:ascii", font), ("w:hAnsi", font), ("w:eastAsia", font), ("w:cs", font)])
                        xml.empty("w:sz", [("w:val", "24")])
                        xml.empty("w:szCs", [("w:val", "24")])
                        if !language.isEmpty { xml.empty("w:lang", [("w:val", language)]) }
                    }
                }
                xml.element("w:pPrDefault") { xml in
                    xml.element("w:pPr") { $0.empty("w:spacing", [("w:after", "120"), ("w:line", "264"), ("w:lineRule", "auto")]) }
                }
            }
            xml.element("w:style", [("w:type", "paragraph"), ("w:default", "1"), ("w:styleId", "Normal")]) { xml in
                xml.empty("w:name", [("w:val", "Normal")])
                xml.empty("w:qFormat")
            }
            for style in paragraphStyles { write(style, to: &xml) }
            xml.element("w:style", [("w:type", "table"), ("w:default", "1"), ("w:styleId", "TableNormal")]) { xml in
                xml.empty("w:name", [("w:val", "Normal Table")])
                xml.empty("w:uiPriority", [("w:val", "99")])
                xml.empty("w:semiHidden")
                xml.element("w:tblPr") { xml in
                    xml.empty("w:tblInd", [("w:w", "0"), ("w:type", "dxa")])
                    cellMargins(vertical: 0, horizontal: 108, to: &xml)
                }
            }
            xml.element("w:style", [("w:type", "table"), ("w:styleId", "ReportTable")]) { xml in
                xml.empty("w:name", [("w:val", "Report Table")])
                xml.empty("w:basedOn", [("w:val", "TableNormal")])
                xml.empty("w:uiPriority", [("w:val", "59")])
                xml.element("w:tblPr") { xml in
                    xml.element("w:tblBorders") { xml in
                        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
                            xml.empty("w:" + side, [("w:val", "single"), ("w:sz", "4"), ("w:space", "0"), ("w:color", "000000")])
                        }
                    }
                    cellMargins(vertical: 28, horizontal: 85, to: &xml)
                }
            }
        }
        return xml
    }

    private static func cellMargins(vertical: Int, horizontal: Int, to xml: inout XMLBuilder) {
        xml.element("w:tblCellMar") { xml in
            for (side, width) in [("top", vertical), ("left", horizontal), ("bottom", vertical), ("right", horizontal)] {
                xml.empty("w:" + side, [("w:w", String(width)), ("w:type", "dxa")])
            }
        }
    }

    /// One w:style, its children in the order the schema requires.
    private static func write(_ style: ParagraphStyleSpec, to xml: inout XMLBuilder) {
        xml.element("w:style", [("w:type", "paragraph"), ("w:styleId", style.id)]) { xml in
            xml.empty("w:name", [("w:val", style.name)])
            if let basedOn = style.basedOn { xml.empty("w:basedOn", [("w:val", basedOn)]) }
            if let next = style.next { xml.empty("w:next", [("w:val", next)]) }
            xml.empty("w:qFormat")
            xml.element("w:pPr") { xml in
                if style.keepNext {
                    xml.empty("w:keepNext")
                    xml.empty("w:keepLines")
                }
                if style.spacingBefore != nil || style.spacingAfter != nil {
                    xml.empty("w:spacing", [
                        ("w:before", style.spacingBefore.map(String.init)), ("w:after", style.spacingAfter.map(String.init)),
                    ])
                }
                if style.centered { xml.empty("w:jc", [("w:val", "center")]) }
                if let level = style.outlineLevel { xml.empty("w:outlineLvl", [("w:val", String(level))]) }
            }
            xml.element("w:rPr") { xml in
                if style.bold {
                    xml.empty("w:b")
                    xml.empty("w:bCs")
                }
                if style.italic {
                    xml.empty("w:i")
                    xml.empty("w:iCs")
                }
                if let color = style.color { xml.empty("w:color", [("w:val", color)]) }
                if let size = style.halfPoints {
                    xml.empty("w:sz", [("w:val", String(size))])
                    xml.empty("w:szCs", [("w:val", String(size))])
                }
            }
        }
    }
}
