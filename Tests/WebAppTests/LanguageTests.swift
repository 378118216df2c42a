import Testing
@testable import WebApp

/// Numbers and dates as each language writes them.
@Suite struct LanguageTests {
    @Test func numbersHaveTheLanguagesSeparators() {
        #expect(Language.ru.number(1234.5, fractionDigits: 1) == "1\u{00A0}234,5")
        #expect(Language.kk.number(1_651_133) == "1\u{00A0}651\u{00A0}133")
        #expect(Language.en.number(1234.5, fractionDigits: 1) == "1,234.5")
        #expect(Language.en.number(999) == "999")
        #expect(Language.en.number(1000) == "1,000")
        #expect(Language.ru.number(0.05, fractionDigits: 1) == "0,1")
        #expect(Language.ru.number(36.6, fractionDigits: 2) == "36,60")
        #expect(Language.en.number(-12_345.678, fractionDigits: 2) == "-12,345.68")
        #expect(Language.ru.number(-0.04, fractionDigits: 1) == "0,0", "no minus sign on a zero")
        #expect(Language.en.number(2.5) == "3")
    }

    @Test func datesAsTheLanguageWritesThem() {
        #expect(Language.ru.date("2026-12-03") == "03.12.2026")
        #expect(Language.en.date("2026-12-03T10:00:00+05:00") == "3 Dec 2026")
        #expect(Language.kk.date("not a date") == "not a date")
    }
}
