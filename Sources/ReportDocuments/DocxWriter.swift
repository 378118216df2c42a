import Foundation

/// Writes a ``ReportDocument`` as a Word document (.docx, Office Open XML WordprocessingML).
///
/// The package holds [Content_Types].xml, _rels/.rels, word/document.xml, word/_rels/document.xml.rels,
/// word/styles.xml (Title, Subtitle, Heading1–3, Normal, Note, Caption, the table paragraph styles and the
/// bordered table style "ReportTable"), docProps/core.xml and docProps/app.xml. Pages are A4, landscape as
/// ``ReportDocument/orientation`` decides. Table header rows repeat at the top of each page.
public enum DocxWriter {
    static let mainContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    static let stylesContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"
    static let stylesRelationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"

    /// The .docx file of `document`, made in memory.
    /// - Throws: ``ReportDocumentError`` naming the block, table, row and column of a problem in the model, or
    ///   the part the ZIP archive failed on.
    public static func write(_ document: ReportDocument) throws(ReportDocumentError) -> Data {
        try validate(document)
        let layout = DocxPageLayout(landscape: document.orientation.isLandscape(for: document))
        var package = PackageArchive()
        package.add("[Content_Types].xml", PackageProperties.contentTypes([
            ("/word/document.xml", mainContentType),
            ("/word/styles.xml", stylesContentType),
        ]))
        package.add("_rels/.rels", PackageProperties.packageRelationships(mainPart: "word/document.xml"))
        package.add("word/document.xml", DocxBody(document: document, layout: layout).xml())
        package.add("word/_rels/document.xml.rels", PackageProperties.relationships([
            ("rId1", stylesRelationship, "styles.xml"),
        ]))
        package.add("word/styles.xml", DocxStyles.xml(language: document.metadata.language))
        package.add("docProps/core.xml", PackageProperties.core(title: document.title, metadata: document.metadata))
        package.add("docProps/app.xml", PackageProperties.app())
        return try package.zipped(modified: document.metadata.created)
    }

    /// Throws the first problem of the blocks: a heading level outside 1...3 or a malformed table.
    static func validate(_ document: ReportDocument) throws(ReportDocumentError) {
        var tableOrdinal = 0
        for (index, block) in document.blocks.enumerated() {
            switch block {
            case .heading(let level, _):
                guard Block.headingLevels.contains(level) else { throw .invalidHeadingLevel(level, blockIndex: index) }
            case .table(let table):
                tableOrdinal += 1
                try table.validate(ordinal: tableOrdinal)
            case .paragraph, .pageBreak:
                break
            }
        }
    }
}
