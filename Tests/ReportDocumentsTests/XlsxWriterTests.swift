import Foundation
import ReportDocuments
import Testing

@Suite struct XlsxWriterTests {
    static let sheets = [
        ReportSheet(name: "План/факт: 2024 [итог]", table: Fixtures.indicators),
        ReportSheet(name: "Мероприятия", table: Fixtures.measures(columns: 3)),
    ]

    func package(_ sheets: [ReportSheet] = sheets) throws -> OfficePackage {
        try OfficePackage(XlsxWriter.write(
            sheets: sheets, metadata: DocumentMetadata(author: "Министрлік", created: Fixtures.created), title: "Есеп"
        ))
    }

    /// The cells of a worksheet by reference.
    func cells(_ package: OfficePackage, sheet: Int) throws -> [String: XMLElementNode] {
        let nodes = try package.xml("xl/worksheets/sheet\(sheet).xml").all("c")
        return Dictionary(uniqueKeysWithValues: nodes.compactMap { node in node.attributes["r"].map { ($0, node) } })
    }

    /// The shared strings by index.
    func sharedStrings(_ package: OfficePackage) throws -> [String] {
        try package.xml("xl/sharedStrings.xml").all("si").map { $0.first("t")?.text ?? "" }
    }

    /// For each cell format index: its number format code and whether its font is bold, and its font colour.
    func formats(_ package: OfficePackage) throws -> [(code: String, bold: Bool, color: String?)] {
        let styles = try package.xml("xl/styles.xml")
        var codes = ["0": "General", "3": "#,##0", "4": "#,##0.00", "9": "0%", "10": "0.00%"]
        for format in styles.all("numFmt") {
            codes[format.attributes["numFmtId"] ?? ""] = format.attributes["formatCode"]
        }
        let fonts = try #require(styles.first("fonts")).children
        let xfs = try #require(styles.first("cellXfs")).children
        return try xfs.map { xf in
            let code = try #require(codes[xf.attributes["numFmtId"] ?? ""])
            let font = try #require(Int(xf.attributes["fontId"] ?? "").map { fonts[$0] })
            return (code, font.first("b") != nil, font.first("color")?.attributes["rgb"])
        }
    }

    @Test func hasEveryPartAndAllAreWellFormed() throws {
        let package = try package()
        let expected: Set = [
            "[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
            "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "docProps/core.xml", "docProps/app.xml",
        ]
        #expect(Set(package.parts.keys) == expected)
        for path in expected { _ = try package.xml(path) }
        let types = try package.text("[Content_Types].xml")
        #expect(types.contains("PartName=\"/xl/worksheets/sheet2.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\""))
        let relationships = try package.xml("xl/_rels/workbook.xml.rels").all("Relationship").compactMap { $0.attributes["Target"] }
        #expect(relationships == ["worksheets/sheet1.xml", "worksheets/sheet2.xml", "styles.xml", "sharedStrings.xml"])
        #expect(try package.xml("docProps/core.xml").first("dc:creator")?.text == "Министрлік")
    }

    @Test func sheetNamesAreSanitisedAndUnique() throws {
        let sheets = Self.sheets + [ReportSheet(name: "мероприятия", header: ["a"]), ReportSheet(name: String(repeating: "Ә", count: 40), header: ["a"])]
        let workbook = try package(sheets).xml("xl/workbook.xml")
        let names = workbook.all("sheet").compactMap { $0.attributes["name"] }
        #expect(names == ["План_факт_ 2024 _итог_", "Мероприятия", "мероприятия (2)", String(repeating: "Ә", count: 31)])
        #expect(workbook.all("sheet").map { $0.attributes["r:id"] } == ["rId1", "rId2", "rId3", "rId4"])
        let filters = workbook.all("definedName").map(\.text)
        #expect(filters.first == "'План_факт_ 2024 _итог_'!$A$1:$E$3")
    }

    @Test func numbersAreNumericCellsWithTheirFormat() throws {
        let package = try package()
        let cells = try cells(package, sheet: 1)
        let formats = try formats(package)
        func check(_ reference: String, value: String, code: String, bold: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let cell = try #require(cells[reference], sourceLocation: sourceLocation)
            #expect(cell.attributes["t"] == nil, "\(reference) is not numeric", sourceLocation: sourceLocation)
            #expect(cell.first("v")?.text == value, sourceLocation: sourceLocation)
            let style = try #require(Int(cell.attributes["s"] ?? ""), sourceLocation: sourceLocation)
            #expect(formats[style].code == code, "\(reference)", sourceLocation: sourceLocation)
            #expect(formats[style].bold == bold, "\(reference)", sourceLocation: sourceLocation)
        }
        try check("C2", value: "1234567", code: "#,##0")
        try check("D2", value: "1234.5", code: "#,##0.0")
        try check("E2", value: "0.875", code: "0.0%")
        try check("C3", value: "-0.04", code: "#,##0.0", bold: true)
        try check("E3", value: "1", code: "0%", bold: true)
        // An empty cell keeps the row's format (borders) but has no value.
        #expect(cells["D3"]?.first("v") == nil && cells["D3"]?.attributes["s"] != nil)
        // Text, even text that looks like a number, is a shared string.
        #expect(cells["B2"]?.attributes["t"] == "s")
        #expect(try sharedStrings(package)[Int(cells["B2"]?.first("v")?.text ?? "") ?? -1] == "2024")
    }

    @Test func headerIsBoldFrozenAndFiltered() throws {
        let package = try package()
        let sheet = try package.xml("xl/worksheets/sheet1.xml")
        let pane = try #require(sheet.first("pane"))
        #expect(pane.attributes["ySplit"] == "1" && pane.attributes["state"] == "frozen" && pane.attributes["topLeftCell"] == "A2")
        #expect(sheet.first("autoFilter")?.attributes["ref"] == "A1:E3")
        #expect(sheet.first("dimension")?.attributes["ref"] == "A1:E3")
        let formats = try formats(package)
        let strings = try sharedStrings(package)
        let header = try #require(sheet.all("row").first).children
        #expect(header.map { strings[Int($0.first("v")?.text ?? "") ?? -1] } == Fixtures.indicators.header)
        #expect(header.allSatisfy { formats[Int($0.attributes["s"] ?? "") ?? 0].bold })
        // Element order matters to Excel.
        #expect(sheet.children.map(\.name) == ["dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "autoFilter", "pageMargins", "pageSetup"])
    }

    @Test func alertRowsAreBoldDarkRed() throws {
        let package = try package()
        let cells = try cells(package, sheet: 2)
        let formats = try formats(package)
        let overdue = try #require(Int(cells["A3"]?.attributes["s"] ?? ""))
        #expect(formats[overdue].bold && formats[overdue].color == "FFC00000")
        let ordinary = try #require(Int(cells["A2"]?.attributes["s"] ?? ""))
        #expect(!formats[ordinary].bold)
    }

    @Test func stringsEscapedPreservedAndKazakhRoundTrips() throws {
        let padded = "  с пробелами  "
        let sheet = ReportSheet(name: "Тексты", header: ["Текст"], rows: [
            ReportRow([.text(Fixtures.tricky)]), ReportRow([.text(Fixtures.kazakh)]), ReportRow([.text(padded)]),
            ReportRow([.text("звонок\u{0007}\u{001B}")]), ReportRow([.text(Fixtures.kazakh)]),
        ])
        let package = try package([sheet])
        let raw = try package.text("xl/sharedStrings.xml")
        #expect(raw.contains("Tom &amp; Jerry &lt;b&gt;&quot;quoted&quot; &apos;single&apos;&lt;/b&gt;"))
        #expect(raw.contains("<t xml:space=\"preserve\">\(padded)</t>"))
        #expect(!raw.contains("\u{0007}") && !raw.contains("\u{001B}"))
        let strings = try sharedStrings(package)
        #expect(strings == ["Текст", Fixtures.tricky, Fixtures.kazakh, padded, "звонок"])
        let sst = try package.xml("xl/sharedStrings.xml")
        #expect(sst.attributes["count"] == "6" && sst.attributes["uniqueCount"] == "5")
    }

    @Test func columnWidthsFollowContentOrAreGiven() throws {
        let estimated = try package().xml("xl/worksheets/sheet2.xml").all("col").compactMap { $0.attributes["width"].flatMap(Double.init) }
        #expect(estimated.count == 3)
        #expect(estimated[2] > estimated[1])   // the progress text is longer than the status
        #expect(estimated.allSatisfy { (6...60).contains($0) })
        var sheet = Self.sheets[1]
        sheet.columnWidths = [10, 20, 30.5]
        let given = try package([sheet]).xml("xl/worksheets/sheet1.xml").all("col").compactMap { $0.attributes["width"] }
        #expect(given == ["10.00", "20.00", "30.50"])
    }

    @Test func rejectsMalformedSheets() {
        #expect(throws: ReportDocumentError.noSheets) { try XlsxWriter.write(sheets: []) }
        let ragged = ReportSheet(name: "Лист: 1", header: ["a", "b"], rows: [ReportRow(["x", "y", "z"])])
        #expect(throws: ReportDocumentError.rowWidthMismatch(table: "Лист_ 1", row: 0, expected: 2, found: 3)) {
            try XlsxWriter.write(sheets: [ragged])
        }
        let nan = ReportSheet(name: "N", header: ["a"], rows: [ReportRow([.number(.nan, fractionDigits: 0)])])
        #expect(throws: ReportDocumentError.notANumber(table: "N", row: 0, column: 0)) { try XlsxWriter.write(sheets: [nan]) }
        let widths = ReportSheet(name: "W", header: ["a"], columnWidths: [1, 2])
        #expect(throws: ReportDocumentError.columnWidthCountMismatch(table: "W", expected: 1, found: 2)) {
            try XlsxWriter.write(sheets: [widths])
        }
    }

    @Test func columnLettersBeyondZ() throws {
        let header = (1...28).map { "c\($0)" }
        let sheet = ReportSheet(name: "wide", header: header, rows: [ReportRow(header.indices.map { .number(Decimal($0), fractionDigits: 0) })])
        let package = try package([sheet])
        let references = try package.xml("xl/worksheets/sheet1.xml").all("row")[1].children.compactMap { $0.attributes["r"] }
        #expect(references.suffix(3) == ["Z2", "AA2", "AB2"])
        #expect(try package.xml("xl/worksheets/sheet1.xml").first("autoFilter")?.attributes["ref"] == "A1:AB2")
    }
}
