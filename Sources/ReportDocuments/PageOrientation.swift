/// The orientation of the A4 pages of a Word document.
public enum PageOrientation: Sendable, Hashable {
    /// Landscape when any table of the document has more than ``widestPortraitTable`` columns, portrait otherwise.
    case automatic
    /// Always portrait (210 × 297 mm).
    case portrait
    /// Always landscape (297 × 210 mm).
    case landscape

    /// The largest number of table columns that ``automatic`` still lays out on a portrait page.
    public static let widestPortraitTable = 5

    /// Whether the pages of `document` are landscape under this setting.
    public func isLandscape(for document: ReportDocument) -> Bool {
        switch self {
        case .portrait: return false
        case .landscape: return true
        case .automatic: return document.tables.contains { $0.header.count > Self.widestPortraitTable }
        }
    }
}
