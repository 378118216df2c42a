/// A1-style cell references of a worksheet.
enum CellReference {
    /// The letters of the column numbered `index` from 0: A…Z, AA…AZ, BA…
    static func column(_ index: Int) -> String {
        var number = index + 1
        var letters: [Character] = []
        while number > 0 {
            let remainder = (number - 1) % 26
            letters.insert(Character(Unicode.Scalar(UInt8(65 + remainder))), at: 0)
            number = (number - 1) / 26
        }
        return String(letters)
    }

    /// The reference of the cell at `row` and `column`, both from 0 ("A1" for 0, 0).
    static func cell(row: Int, column: Int) -> String {
        self.column(column) + String(row + 1)
    }
}
