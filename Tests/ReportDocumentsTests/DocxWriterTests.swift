import Foundation
import ReportDocuments
import Testing

@Suite struct DocxWriterTests {
    static let parts = [
        "[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels", "word/styles.xml",
        "docProps/core.xml", "docProps/app.xml",
    ]

    func package(_ document: ReportDocument = Fixtures.document()) throws -> OfficePackage {
        try OfficePackage(DocxWriter.write(document))
    }

    @Test func hasEveryPartAndAllAreWellFormed() throws {
        let package = try package()
        #expect(Set(package.parts.keys) == Set(Self.parts))
        for path in Self.parts { _ = try package.xml(path) }
        let types = try package.text("[Content_Types].xml")
        #expect(types.contains("PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\""))
        #expect(try package.text("_rels/.rels").contains("Target=\"word/document.xml\""))
        #expect(try package.text("word/_rels/document.xml.rels").contains("Target=\"styles.xml\""))
    }

    @Test func escapesTextAndDropsControlCharacters() throws {
        let package = try package()
        let xml = try package.text("word/document.xml")
        #expect(xml.contains("Tom &amp; Jerry &lt;b&gt;&quot;quoted&quot; &apos;single&apos;&lt;/b&gt;"))
        #expect(xml.contains("Сводный отчёт &amp; &lt;итоги&gt;"))
        #expect(!xml.contains("\u{0007}") && !xml.contains("\u{0001}"))
        #expect(xml.contains("<w:t xml:space=\"preserve\"> ведущий пробел и звонок Tom"))
        let text = try package.xml("word/document.xml").all("w:t").map(\.text).joined()
        #expect(text.contains(Fixtures.tricky))
        #expect(try package.xml("docProps/core.xml").first("dc:title")?.text == "Сводный отчёт & <итоги>")
    }

    @Test func cyrillicAndKazakhRoundTrip() throws {
        let package = try package()
        let body = try package.xml("word/document.xml")
        let texts = body.all("w:t").map(\.text)
        #expect(texts.contains(Fixtures.kazakh))
        #expect(texts.contains("Прикрепление к ПМСП"))
        let core = try package.xml("docProps/core.xml")
        #expect(core.first("dc:creator")?.text == "Министерство здравоохранения")
        #expect(core.first("dc:language")?.text == "kk-KZ")
        #expect(core.first("dcterms:created")?.text == "2026-01-01T00:00:00Z")
        #expect(try package.xml("word/styles.xml").first("w:lang")?.attributes["w:val"] == "kk-KZ")
    }

    @Test func headingsParagraphStylesAndBreaks() throws {
        let body = try package().xml("word/document.xml")
        let paragraphs = body.all("w:p")
        /// The styles of the paragraphs whose text is `text` (the Kazakh line is also a table cell).
        func style(of text: String) -> String? {
            let styles = paragraphs.filter { $0.all("w:t").map(\.text).joined() == text }
                .compactMap { $0.first("w:pStyle")?.attributes["w:val"] }
            return styles.first { $0 != "TableText" } ?? styles.first
        }
        #expect(style(of: "Сводный отчёт & <итоги>") == "Title")
        #expect(style(of: "за 2025 год") == "Subtitle")
        #expect(style(of: "1. Мероприятия") == "Heading1")
        #expect(style(of: "2. Индикаторы") == "Heading2")
        #expect(style(of: Fixtures.kazakh) == "Heading3")
        #expect(style(of: "Примечание") == "Note")
        #expect(style(of: "Таблица 1. Мероприятия") == "Caption")
        #expect(body.all("w:br").filter { $0.attributes["w:type"] == "page" }.count == 1)
        // The line break inside a cell's text becomes w:br between two w:t.
        #expect(body.all("w:br").contains { $0.attributes["w:type"] == nil })
    }

    @Test func stylesHaveHeadingsAndABorderedTableStyle() throws {
        let styles = try package().xml("word/styles.xml")
        let ids = Set(styles.all("w:style").compactMap { $0.attributes["w:styleId"] })
        #expect(ids.isSuperset(of: ["Normal", "Title", "Subtitle", "Heading1", "Heading2", "Heading3", "Note", "Caption", "ReportTable"]))
        let table = try #require(styles.all("w:style").first { $0.attributes["w:styleId"] == "ReportTable" })
        let borders = try #require(table.first("w:tblBorders"))
        #expect(borders.children.map(\.name) == ["w:top", "w:left", "w:bottom", "w:right", "w:insideH", "w:insideV"])
        #expect(borders.children.allSatisfy { $0.attributes["w:val"] == "single" })
        let heading1 = try #require(styles.all("w:style").first { $0.attributes["w:styleId"] == "Heading1" })
        #expect(heading1.first("w:outlineLvl")?.attributes["w:val"] == "0")
    }

    @Test func tablesRepeatHeaderAndFormatNumbers() throws {
        let body = try package().xml("word/document.xml")
        let tables = body.all("w:tbl")
        #expect(tables.count == 2)
        for table in tables {
            #expect(table.first("w:tblStyle")?.attributes["w:val"] == "ReportTable")
            let rows = table.all("w:tr")
            #expect(rows.first?.first("w:tblHeader") != nil)
            #expect(rows.dropFirst().allSatisfy { $0.first("w:tblHeader") == nil })
            let widths = table.all("w:gridCol").compactMap { $0.attributes["w:w"].flatMap(Int.init) }
            #expect(widths.reduce(0, +) == Int(table.first("w:tblW")?.attributes["w:w"] ?? "") )
        }
        let cells = tables[1].all("w:tr")[1].all("w:tc").map { $0.all("w:t").map(\.text).joined() }
        #expect(cells == ["Охват скринингом", "2024", "1\u{00A0}234\u{00A0}567", "1\u{00A0}234,5", "87,5\u{00A0}%"])
        let total = tables[1].all("w:tr")[2].all("w:tc").map { $0.all("w:t").map(\.text).joined() }
        #expect(total == ["Итого", "2025", "0,0", "", "100\u{00A0}%"])
        // Numbers are right-aligned, text is not.
        let jc = tables[1].all("w:tr")[1].all("w:tc").map { $0.first("w:jc")?.attributes["w:val"] }
        #expect(jc == [nil, nil, "right", "right", "right"])
    }

    @Test func englishNumberStyle() throws {
        let body = try package(Fixtures.document(numberStyle: .en)).xml("word/document.xml")
        let cells = body.all("w:tbl")[1].all("w:tr")[1].all("w:tc").map { $0.all("w:t").map(\.text).joined() }
        #expect(cells.suffix(3) == ["1,234,567", "1,234.5", "87.5%"])
    }

    @Test func rowEmphasis() throws {
        let tables = try package().xml("word/document.xml").all("w:tbl")
        let overdue = tables[0].all("w:tr")[2].all("w:r")
        #expect(!overdue.isEmpty)
        #expect(overdue.allSatisfy { $0.first("w:b") != nil && $0.first("w:color")?.attributes["w:val"] == "C00000" })
        let total = tables[1].all("w:tr")[2].all("w:r")
        #expect(total.allSatisfy { $0.first("w:b") != nil && $0.first("w:color") == nil })
        let ordinary = tables[0].all("w:tr")[1].all("w:r")
        #expect(ordinary.allSatisfy { $0.first("w:b") == nil })
    }

    func pageSize(_ document: ReportDocument) throws -> (width: String?, height: String?, orient: String?) {
        let size = try #require(try package(document).xml("word/document.xml").first("w:pgSz"))
        return (size.attributes["w:w"], size.attributes["w:h"], size.attributes["w:orient"])
    }

    @Test func landscapeWhenATableHasMoreThanFiveColumns() throws {
        let portrait = try pageSize(Fixtures.document(measureColumns: 5))
        #expect(portrait.width == "11906" && portrait.height == "16838" && portrait.orient == nil)
        let landscape = try pageSize(Fixtures.document(measureColumns: 6))
        #expect(landscape.width == "16838" && landscape.height == "11906" && landscape.orient == "landscape")
        let forced = try pageSize(Fixtures.document(orientation: .landscape, measureColumns: 3))
        #expect(forced.orient == "landscape")
        let kept = try pageSize(Fixtures.document(orientation: .portrait, measureColumns: 8))
        #expect(kept.orient == nil && kept.width == "11906")
        // Wider pages give tables more room.
        let wide = try package(Fixtures.document(measureColumns: 6)).xml("word/document.xml").first("w:tblW")
        #expect(wide?.attributes["w:w"] == "14570")
    }

    @Test func givenColumnWidthsAreProportions() throws {
        var table = Fixtures.indicators
        table.columnWidths = [4, 1, 1, 1, 1]
        let document = ReportDocument(title: "T", orientation: .portrait, blocks: [.table(table)])
        let widths = try package(document).xml("word/document.xml").all("w:gridCol").compactMap { $0.attributes["w:w"].flatMap(Int.init) }
        #expect(widths == [4819, 1205, 1205, 1205, 1204])
    }

    @Test func rejectsMalformedModels() {
        #expect(throws: ReportDocumentError.invalidHeadingLevel(4, blockIndex: 1)) {
            try DocxWriter.write(ReportDocument(title: "T", blocks: [.heading(level: 1, "a"), .heading(level: 4, "b")]))
        }
        let ragged = ReportTable(caption: "Индикаторы", header: ["a", "b"], rows: [ReportRow(["1", "2"]), ReportRow(["1"])])
        #expect(throws: ReportDocumentError.rowWidthMismatch(table: "Индикаторы", row: 1, expected: 2, found: 1)) {
            try DocxWriter.write(ReportDocument(title: "T", blocks: [.table(ragged)]))
        }
        let digits = ReportTable(header: ["a"], rows: [ReportRow([.number(1, fractionDigits: 11)])])
        #expect(throws: ReportDocumentError.invalidFractionDigits(table: "table 2", row: 0, column: 0, fractionDigits: 11)) {
            try DocxWriter.write(ReportDocument(title: "T", blocks: [.table(Fixtures.indicators), .table(digits)]))
        }
        let widths = ReportTable(header: ["a", "b"], columnWidths: [1, 0])
        #expect(throws: ReportDocumentError.invalidColumnWidth(table: "table 1", column: 1, width: 0)) {
            try DocxWriter.write(ReportDocument(title: "T", blocks: [.table(widths)]))
        }
        #expect(throws: ReportDocumentError.tableWithoutColumns(table: "table 1")) {
            try DocxWriter.write(ReportDocument(title: "T", blocks: [.table(ReportTable(header: []))]))
        }
    }

    @Test func sameReportSameBytes() throws {
        #expect(try DocxWriter.write(Fixtures.document()) == DocxWriter.write(Fixtures.document()))
    }
}
