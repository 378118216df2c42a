import Foundation

/// A report to be written as a Word document: a title, an optional subtitle, the document's properties and an
/// ordered list of blocks (headings, paragraphs, tables, page breaks).
///
/// The model knows nothing of Office Open XML; ``DocxWriter`` turns it into a `.docx`, and each ``ReportTable`` can
/// also become a sheet of an Excel workbook through ``ReportSheet/init(name:table:)`` and ``XlsxWriter``.
public struct ReportDocument: Sendable, Hashable {
    /// The title on the first line of the document (style Title) and in the document's properties.
    public var title: String
    /// A line under the title (style Subtitle), for instance the reporting period; omitted when `nil` or empty.
    public var subtitle: String?
    /// Author, creation date and language, written to docProps/core.xml.
    public var metadata: DocumentMetadata
    /// How numbers and percentages of the tables are written as text.
    public var numberStyle: NumberStyle
    /// Portrait or landscape pages; ``PageOrientation/automatic`` turns the page when a table is wide.
    public var orientation: PageOrientation
    /// The content, in reading order.
    public var blocks: [Block]

    /// Creates a report.
    /// - Parameters:
    ///   - title: The document's title.
    ///   - subtitle: An optional line under the title.
    ///   - metadata: Author, creation date and language.
    ///   - numberStyle: How numbers are written; Russian by default ("1 234,5").
    ///   - orientation: The page orientation; automatic by default.
    ///   - blocks: The content, in reading order.
    public init(
        title: String,
        subtitle: String? = nil,
        metadata: DocumentMetadata = DocumentMetadata(),
        numberStyle: NumberStyle = .ru,
        orientation: PageOrientation = .automatic,
        blocks: [Block] = []
    ) {
        self.title = title
        self.subtitle = subtitle
        self.metadata = metadata
        self.numberStyle = numberStyle
        self.orientation = orientation
        self.blocks = blocks
    }

    /// The tables of the document, in order.
    public var tables: [ReportTable] {
        blocks.compactMap { block in
            if case .table(let table) = block { return table }
            return nil
        }
    }
}
