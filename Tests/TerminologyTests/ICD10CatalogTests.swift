import Testing
@testable import Terminology

@Suite struct ICD10CatalogTests {
    let small = ICD10Catalog(entries: [
        .init(code: "J06.9", ru: "Острая инфекция верхних дыхательных путей неуточненная", kk: "Жоғарғы тыныс жолдарының жедел инфекциясы, анықталмаған",
              en: "Acute upper respiratory infection, unspecified"),
        .init(code: "J20", ru: "Острый бронхит", kk: "Жедел бронхит", en: "Acute bronchitis"),
        .init(code: "J20.9", ru: "Острый бронхит неуточненный", kk: "Жедел бронхит, анықталмаған", en: "Acute bronchitis, unspecified"),
        .init(code: "M54.5", ru: "Боль внизу спины", kk: "Арқаның төменгі бөлігіндегі ауырсыну", en: "Low back pain"),
        .init(code: "A15.0", ru: "Туберкулез легких, подтвержденный бактериоскопически", kk: "Өкпе туберкулезі", en: "Tuberculosis of lung"),
    ])

    @Test func codeQueriesFindCodesByPrefixInCodeOrder() {
        #expect(small.search("j20").map(\.code) == ["J20", "J20.9"])
        #expect(small.search("J06.9").map(\.code) == ["J06.9"])
        #expect(small.search("j").map(\.code) == ["J06.9", "J20", "J20.9"])
        #expect(small.search("M54,5").map(\.code) == ["M54.5"])
    }

    @Test func wordQueriesNeedEveryWordToBeginATitleWord() {
        #expect(small.search("остр бронх").map(\.code) == ["J20", "J20.9"])
        #expect(small.search("бронхит неуточ").map(\.code) == ["J20.9"])
        #expect(small.search("back pain", language: "en").map(\.code) == ["M54.5"])
        #expect(small.search("ронхит").isEmpty)   // inside a word is not a match: "бронхит" is not found by its tail
        // ё and е are one letter to the search.
        #expect(small.search("туберкулёз").map(\.code) == ["A15.0"])
    }

    @Test func titlesInTheChosenLanguageComeFirst() {
        // "бронхит" is in the Russian and the Kazakh titles; "жедел" only in the Kazakh ones.
        #expect(small.search("жедел", language: "ru").map(\.code) == ["J20", "J06.9", "J20.9"])
        #expect(small.search("acute", language: "en", limit: 2).map(\.code) == ["J20", "J06.9"])
    }

    @Test func aBadFileNamesItsLine() {
        #expect(throws: TerminologyError.self) { try ICD10Catalog(tsv: "code\tru\tkk\ten\nJ20\tОстрый бронхит\tЖедел бронхит\n") }
        #expect(throws: TerminologyError.self) { try ICD10Catalog(tsv: "code\tru\tkk\ten\nbronchitis\ta\tb\tc\n") }
    }

    @Test func theShippedCatalogueHasTheDemoAndNotifiableCodes() throws {
        let catalog = try ICD10Catalog.shipped()
        for code in ["J06.9", "I10", "E11.9", "K29.7", "M54.5", "J20.9", "N39.0", "Z00.0", "I25.9", "J45.9", "U07.1", "A15.0", "B01.9", "J11.1", "A02", "J10"] {
            let entry = try #require(catalog.entry(code), "\(code) missing")
            #expect(!entry.ru.isEmpty && !entry.kk.isEmpty && !entry.en.isEmpty)
        }
        #expect(catalog.entries.count > 500)
        #expect(catalog.search("бронхит").contains { $0.code.hasPrefix("J20") })
    }
}
