import Foundation

/// The properties of a document or workbook that Office shows under File › Info (docProps/core.xml).
public struct DocumentMetadata: Sendable, Hashable {
    /// Who made the document (dc:creator and cp:lastModifiedBy); omitted when empty.
    public var author: String
    /// When the document was made (dcterms:created and dcterms:modified); also the date of the ZIP entries, so that
    /// the same report with the same date gives the same bytes.
    public var created: Date
    /// The language of the text as a BCP 47 tag, such as "ru-RU", "kk-KZ" or "en-US": the spelling language of
    /// the Word text (w:lang) and dc:language.
    public var language: String

    /// Creates the properties.
    /// - Parameters:
    ///   - author: Who made the document.
    ///   - created: When; now by default.
    ///   - language: The language of the text; Russian by default.
    public init(author: String = "", created: Date = Date(), language: String = "ru-RU") {
        self.author = author
        self.created = created
        self.language = language
    }
}
