/// Column widths in average characters, guessed from what the columns hold.
enum ColumnWidthEstimate {
    /// The narrowest estimated column.
    static let minimum = 6.0
    /// The widest estimated column: longer text wraps.
    static let maximum = 60.0

    /// One width per column: the longest line of its cells (numbers as `numberStyle` writes them), the header
    /// counted by its longest word or its first 20 characters (it wraps), plus two characters of padding, within
    /// ``minimum``...``maximum``.
    static func characters(header: [String], rows: [ReportRow], numberStyle: NumberStyle) -> [Double] {
        header.indices.map { column in
            var longest = headerLength(header[column])
            for row in rows where column < row.cells.count {
                longest = max(longest, longestLine(numberStyle.text(for: row.cells[column])))
            }
            return min(max(Double(longest) + 2, minimum), maximum)
        }
    }

    private static func headerLength(_ title: String) -> Int {
        let longestWord = title.split(whereSeparator: { $0 == " " || $0.isNewline }).map(\.count).max() ?? 0
        return max(longestWord, min(longestLine(title), 20))
    }

    private static func longestLine(_ text: String) -> Int {
        text.split(whereSeparator: \.isNewline).map(\.count).max() ?? 0
    }
}
