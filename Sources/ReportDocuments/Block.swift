/// One piece of a ``ReportDocument``'s content.
public enum Block: Sendable, Hashable {
    /// A heading of level 1, 2 or 3 (styles Heading1–Heading3, shown in the navigation pane); any other level is
    /// rejected with ``ReportDocumentError/invalidHeadingLevel(_:blockIndex:)``.
    case heading(level: Int, String)
    /// A paragraph of text; line breaks ("\n") and tabs in the text are kept.
    case paragraph(String, style: ParagraphStyle = .normal)
    /// A table with its caption above it.
    case table(ReportTable)
    /// A page break: what follows starts on a new page.
    case pageBreak

    /// The heading levels a document may use.
    public static let headingLevels = 1...3
}

/// The look of a paragraph.
public enum ParagraphStyle: Sendable, Hashable {
    /// Body text (style Normal).
    case normal
    /// A remark: smaller grey italic text (style Note), for sources, footnotes and explanations.
    case note
}
