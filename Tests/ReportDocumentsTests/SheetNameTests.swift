import ReportDocuments
import Testing

@Suite struct SheetNameTests {
    @Test(arguments: [
        ("План/факт: 2024 [итог]?*\\", "План_факт_ 2024 _итог____"),
        ("  'Индикаторы'  ", "Индикаторы"),
        ("", "Sheet"),
        ("[]", "__"),
        ("History", "Sheet"),
        ("строка\nвторая\u{0001}", "строка вторая"),
    ])
    func sanitised(name: String, expected: String) {
        #expect(SheetName.sanitized(name) == expected)
    }

    @Test func cutTo31Characters() {
        let long = "Денсаулық сақтау көрсеткіштері мен іс-шаралар 2024–2026"
        let name = SheetName.sanitized(long)
        #expect(name.utf16.count <= 31)
        #expect(long.hasPrefix(name))
        // Characters outside the Basic Multilingual Plane count as two code units and are never split.
        let emoji = String(repeating: "😀", count: 20)
        #expect(SheetName.sanitized(emoji) == String(repeating: "😀", count: 15))
    }

    @Test func madeUniqueIgnoringCase() {
        let long = String(repeating: "Ж", count: 40)
        let names = SheetName.uniqueSanitized(["Итоги", "итоги", "Итоги", long, long])
        #expect(names == ["Итоги", "итоги (2)", "Итоги (3)", String(repeating: "Ж", count: 31), String(repeating: "Ж", count: 27) + " (2)"])
        #expect(names.allSatisfy { $0.utf16.count <= 31 })
    }
}
