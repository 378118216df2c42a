/// The A4 page of a Word document, in twentieths of a point (twips; 1 cm ≈ 567).
struct DocxPageLayout {
    /// Whether the page is turned.
    let landscape: Bool

    static let shortSide = 11906
    static let longSide = 16838
    /// Every margin: 2 cm.
    static let margin = 1134

    var width: Int { landscape ? Self.longSide : Self.shortSide }
    var height: Int { landscape ? Self.shortSide : Self.longSide }
    /// The width between the margins, which tables fill.
    var textWidth: Int { width - 2 * Self.margin }

    /// The widths of columns in twips: `weights` scaled to fill ``textWidth``, the last column taking what rounding
    /// leaves.
    func columnTwips(weights: [Double]) -> [Int] {
        let total = weights.reduce(0, +)
        guard total > 0, !weights.isEmpty else { return [] }
        var twips = weights.dropLast().map { Int((Double(textWidth) * $0 / total).rounded()) }
        twips.append(textWidth - twips.reduce(0, +))
        return twips
    }

    /// The section properties closing the body: page size, orientation and margins.
    func write(to xml: inout XMLBuilder) {
        xml.element("w:sectPr") { xml in
            xml.empty("w:pgSz", [("w:w", String(width)), ("w:h", String(height)), ("w:orient", landscape ? "landscape" : nil)])
            let margin = String(Self.margin)
            xml.empty("w:pgMar", [
                ("w:top", margin), ("w:right", margin), ("w:bottom", margin), ("w:left", margin),
                ("w:header", "709"), ("w:footer", "709"), ("w:gutter", "0"),
            ])
        }
    }
}
