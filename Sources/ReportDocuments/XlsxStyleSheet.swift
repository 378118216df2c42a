/// xl/styles.xml: the cell formats the sheets use, each made once and referred to by its index (the `s` of a cell).
///
/// Fonts: 0 regular, 1 bold, 2 bold dark red. Fills: 0 none, 1 gray125 (both required by Excel), 2 the header's
/// grey. Borders: 0 none, 1 thin on every side. Cell format 0 is Excel's default; the others are added as used.
struct XlsxStyleSheet {
    /// How a cell's value is shown.
    enum NumberFormat: Hashable {
        /// Text or nothing: General.
        case general
        /// `#,##0` with `digits` decimals after it.
        case number(digits: Int)
        /// `0%` with `digits` decimals.
        case percent(digits: Int)

        /// The format code, as Excel writes it.
        var code: String {
            switch self {
            case .general: return "General"
            case .number(let digits): return digits == 0 ? "#,##0" : "#,##0." + String(repeating: "0", count: digits)
            case .percent(let digits): return (digits == 0 ? "0" : "0." + String(repeating: "0", count: digits)) + "%"
            }
        }

        /// Excel's built-in id for this format, if it has one.
        var builtInID: Int? {
            switch code {
            case "General": return 0
            case "#,##0": return 3
            case "#,##0.00": return 4
            case "0%": return 9
            case "0.00%": return 10
            default: return nil
            }
        }
    }

    /// One cell format.
    struct CellStyle: Hashable {
        var format: NumberFormat
        var emphasis: RowEmphasis
        var isHeader: Bool
    }

    /// The first id Excel leaves for formats of a workbook's own.
    static let firstCustomFormatID = 164

    private(set) var styles: [CellStyle] = []
    private var indices: [CellStyle: Int] = [:]

    /// The `s` index of `style`, adding it if new (index 0 is the default format, so the first is 1).
    mutating func index(of style: CellStyle) -> Int {
        if let index = indices[style] { return index }
        styles.append(style)
        indices[style] = styles.count
        return styles.count
    }

    /// The index of the header cells' format.
    mutating func headerIndex() -> Int {
        index(of: CellStyle(format: .general, emphasis: .bold, isHeader: true))
    }

    /// The index of the format of `cell` in a row of `emphasis`.
    mutating func index(of cell: Cell, emphasis: RowEmphasis) -> Int {
        let format: NumberFormat
        switch cell {
        case .number(_, let digits): format = .number(digits: digits)
        case .percent(_, let digits): format = .percent(digits: digits)
        case .text, .empty: format = .general
        }
        return index(of: CellStyle(format: format, emphasis: emphasis, isHeader: false))
    }

    func xml() -> XMLBuilder {
        var customFormats: [String: Int] = [:]
        var customOrder: [String] = []
        for style in styles where style.format.builtInID == nil && customFormats[style.format.code] == nil {
            customFormats[style.format.code] = Self.firstCustomFormatID + customOrder.count
            customOrder.append(style.format.code)
        }
        var xml = XMLBuilder()
        xml.element("styleSheet", [("xmlns", XlsxWriter.mainNamespace)]) { xml in
            if !customOrder.isEmpty {
                xml.element("numFmts", [("count", String(customOrder.count))]) { xml in
                    for code in customOrder {
                        xml.empty("numFmt", [("numFmtId", customFormats[code].map(String.init)), ("formatCode", code)])
                    }
                }
            }
            xml.element("fonts", [("count", "3")]) { xml in
                font(bold: false, color: nil, to: &xml)
                font(bold: true, color: nil, to: &xml)
                font(bold: true, color: "FFC00000", to: &xml)
            }
            xml.element("fills", [("count", "3")]) { xml in
                xml.element("fill") { $0.empty("patternFill", [("patternType", "none")]) }
                xml.element("fill") { $0.empty("patternFill", [("patternType", "gray125")]) }
                xml.element("fill") { xml in
                    xml.element("patternFill", [("patternType", "solid")]) { xml in
                        xml.empty("fgColor", [("rgb", "FFD9D9D9")])
                        xml.empty("bgColor", [("indexed", "64")])
                    }
                }
            }
            xml.element("borders", [("count", "2")]) { xml in
                xml.element("border") { xml in
                    for side in ["left", "right", "top", "bottom", "diagonal"] { xml.empty(side) }
                }
                xml.element("border") { xml in
                    for side in ["left", "right", "top", "bottom"] {
                        xml.element(side, [("style", "thin")]) { $0.empty("color", [("indexed", "64")]) }
                    }
                    xml.empty("diagonal")
                }
            }
            xml.element("cellStyleXfs", [("count", "1")]) { xml in
                xml.empty("xf", [("numFmtId", "0"), ("fontId", "0"), ("fillId", "0"), ("borderId", "0")])
            }
            xml.element("cellXfs", [("count", String(styles.count + 1))]) { xml in
                xml.empty("xf", [("numFmtId", "0"), ("fontId", "0"), ("fillId", "0"), ("borderId", "0"), ("xfId", "0")])
                for style in styles {
                    let formatID = style.format.builtInID ?? customFormats[style.format.code] ?? 0
                    let fontID = style.emphasis == .alert ? 2 : (style.emphasis == .bold ? 1 : 0)
                    xml.element("xf", [
                        ("numFmtId", String(formatID)), ("fontId", String(fontID)),
                        ("fillId", style.isHeader ? "2" : "0"), ("borderId", "1"), ("xfId", "0"),
                        ("applyNumberFormat", formatID == 0 ? nil : "1"), ("applyFont", fontID == 0 ? nil : "1"),
                        ("applyFill", style.isHeader ? "1" : nil), ("applyBorder", "1"), ("applyAlignment", "1"),
                    ]) { xml in
                        xml.empty("alignment", [
                            ("horizontal", style.isHeader ? "center" : nil),
                            ("vertical", style.isHeader ? "center" : "top"),
                            ("wrapText", style.format == .general ? "1" : nil),
                        ])
                    }
                }
            }
            xml.element("cellStyles", [("count", "1")]) { xml in
                xml.empty("cellStyle", [("name", "Normal"), ("xfId", "0"), ("builtinId", "0")])
            }
        }
        return xml
    }

    private func font(bold: Bool, color: String?, to xml: inout XMLBuilder) {
        xml.element("font") { xml in
            if bold { xml.empty("b") }
            xml.empty("sz", [("val", "11")])
            if let color { xml.empty("color", [("rgb", color)]) } else { xml.empty("color", [("rgb", "FF000000")]) }
            xml.empty("name", [("val", "Calibri")])
            xml.empty("family", [("val", "2")])
        }
    }
}
