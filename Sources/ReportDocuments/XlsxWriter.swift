import Foundation

/// Writes ``ReportSheet``s as an Excel workbook (.xlsx, Office Open XML SpreadsheetML).
///
/// The package holds [Content_Types].xml, _rels/.rels, xl/workbook.xml, xl/_rels/workbook.xml.rels, xl/styles.xml,
/// xl/sharedStrings.xml, xl/worksheets/sheet1.xml… and docProps/core.xml and app.xml. Each sheet's header row is
/// bold on grey, frozen, and carries an autofilter; numbers and percentages are numeric cells formatted
/// `#,##0`, `#,##0.0`… and `0%`, `0.0%`… (a percentage cell holds the fraction, 0.875 for 87.5 %); text is in the
/// shared-string table.
public enum XlsxWriter {
    static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let relationshipBase = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    static let contentTypeBase = "application/vnd.openxmlformats-officedocument.spreadsheetml."

    /// The .xlsx file of `sheets`, in order, made in memory.
    /// - Parameters:
    ///   - sheets: At least one sheet. Names are sanitised (``SheetName/uniqueSanitized(_:)``).
    ///   - metadata: Author, date and language for docProps/core.xml; `title` for its dc:title.
    ///   - title: The workbook's title in its properties; none by default.
    /// - Throws: ``ReportDocumentError`` naming the sheet, row and column of a problem, or the part the ZIP archive
    ///   failed on.
    public static func write(
        sheets: [ReportSheet], metadata: DocumentMetadata = DocumentMetadata(), title: String = ""
    ) throws(ReportDocumentError) -> Data {
        guard !sheets.isEmpty else { throw .noSheets }
        let names = SheetName.uniqueSanitized(sheets.map(\.name))
        for (sheet, name) in zip(sheets, names) { try sheet.validate(label: name) }

        var strings = XlsxSharedStrings()
        var styles = XlsxStyleSheet()
        var worksheets: [XMLBuilder] = []
        for (index, sheet) in sheets.enumerated() {
            worksheets.append(XlsxWorksheet(sheet: sheet, isSelected: index == 0).xml(strings: &strings, styles: &styles))
        }

        var package = PackageArchive()
        var overrides = [("/xl/workbook.xml", contentTypeBase + "sheet.main+xml")]
        for index in sheets.indices {
            overrides.append(("/xl/worksheets/sheet\(index + 1).xml", contentTypeBase + "worksheet+xml"))
        }
        overrides.append(("/xl/styles.xml", contentTypeBase + "styles+xml"))
        overrides.append(("/xl/sharedStrings.xml", contentTypeBase + "sharedStrings+xml"))
        package.add("[Content_Types].xml", PackageProperties.contentTypes(overrides))
        package.add("_rels/.rels", PackageProperties.packageRelationships(mainPart: "xl/workbook.xml"))
        package.add("xl/workbook.xml", workbook(sheets: sheets, names: names))
        var relationships = sheets.indices.map { index in
            ("rId\(index + 1)", relationshipBase + "worksheet", "worksheets/sheet\(index + 1).xml")
        }
        relationships.append(("rId\(sheets.count + 1)", relationshipBase + "styles", "styles.xml"))
        relationships.append(("rId\(sheets.count + 2)", relationshipBase + "sharedStrings", "sharedStrings.xml"))
        package.add("xl/_rels/workbook.xml.rels", PackageProperties.relationships(relationships))
        for (index, worksheet) in worksheets.enumerated() {
            package.add("xl/worksheets/sheet\(index + 1).xml", worksheet)
        }
        package.add("xl/styles.xml", styles.xml())
        package.add("xl/sharedStrings.xml", strings.xml())
        package.add("docProps/core.xml", PackageProperties.core(title: title, metadata: metadata))
        package.add("docProps/app.xml", PackageProperties.app(sheetNames: names))
        return try package.zipped(modified: metadata.created)
    }

    /// xl/workbook.xml: the sheets in order and the hidden names of their autofilter ranges.
    static func workbook(sheets: [ReportSheet], names: [String]) -> XMLBuilder {
        var xml = XMLBuilder()
        xml.element("workbook", [("xmlns", mainNamespace), ("xmlns:r", relationshipNamespace)]) { xml in
            xml.element("bookViews") { $0.empty("workbookView", [("activeTab", "0")]) }
            xml.element("sheets") { xml in
                for (index, name) in names.enumerated() {
                    xml.empty("sheet", [("name", name), ("sheetId", String(index + 1)), ("r:id", "rId\(index + 1)")])
                }
            }
            xml.element("definedNames") { xml in
                for (index, sheet) in sheets.enumerated() {
                    let range = XlsxWorksheet(sheet: sheet, isSelected: false).tableRange
                        .split(separator: ":").map { absolute(String($0)) }.joined(separator: ":")
                    let quoted = "'" + names[index].replacingOccurrences(of: "'", with: "''") + "'"
                    xml.element("definedName", [
                        ("name", "_xlnm._FilterDatabase"), ("localSheetId", String(index)), ("hidden", "1"),
                    ], text: quoted + "!" + range)
                }
            }
        }
        return xml
    }

    /// "B12" as "$B$12".
    private static func absolute(_ reference: String) -> String {
        let letters = reference.prefix { $0.isLetter }
        return "$" + letters + "$" + reference.dropFirst(letters.count)
    }
}
