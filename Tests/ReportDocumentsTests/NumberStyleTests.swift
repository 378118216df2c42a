import Foundation
import ReportDocuments
import Testing

@Suite struct NumberStyleTests {
    @Test(arguments: [
        ("1234.5", 1, "1\u{00A0}234,5", "1,234.5"),
        ("1234567", 0, "1\u{00A0}234\u{00A0}567", "1,234,567"),
        ("999", 2, "999,00", "999.00"),
        ("0.05", 1, "0,1", "0.1"),   // half away from zero
        ("-0.05", 1, "-0,1", "-0.1"),
        ("-0.04", 1, "0,0", "0.0"),  // no "-0"
        ("-1234567.891", 2, "-1\u{00A0}234\u{00A0}567,89", "-1,234,567.89"),
        ("2.5", 0, "3", "3"),
        ("1000000000000000000000", 0, "1\u{00A0}000\u{00A0}000\u{00A0}000\u{00A0}000\u{00A0}000\u{00A0}000\u{00A0}000", "1,000,000,000,000,000,000,000"),
    ])
    func numbers(value: String, digits: Int, russian: String, english: String) {
        let number = Fixtures.decimal(value)
        #expect(NumberStyle.ru.format(number, fractionDigits: digits) == russian)
        #expect(NumberStyle.kk.format(number, fractionDigits: digits) == russian)
        #expect(NumberStyle.en.format(number, fractionDigits: digits) == english)
    }

    @Test func percentages() {
        #expect(NumberStyle.ru.formatPercent(Fixtures.decimal("0.875"), fractionDigits: 1) == "87,5\u{00A0}%")
        #expect(NumberStyle.en.formatPercent(Fixtures.decimal("0.875"), fractionDigits: 1) == "87.5%")
        #expect(NumberStyle.en.formatPercent(Fixtures.decimal("12.345"), fractionDigits: 0) == "1,235%")
        #expect(NumberStyle.ru.text(for: .percent(1, fractionDigits: 0)) == "100\u{00A0}%")
    }

    @Test func cellsAsText() {
        #expect(NumberStyle.ru.text(for: .text("а")) == "а")
        #expect(NumberStyle.ru.text(for: .empty) == "")
        #expect(NumberStyle.ru.text(for: .number(1234, fractionDigits: 0)) == "1\u{00A0}234")
    }
}
