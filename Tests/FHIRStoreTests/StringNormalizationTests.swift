@testable import FHIRStore
import Testing

/// String search folds case and accents; the fast per-character path must give what Foundation's folding gives.
@Suite struct StringNormalizationTests {
    @Test func cyrillicFastPathAgreesWithFoundationFolding() {
        let samples = [
            "Әлібек Нұрсұлтанұлы", "ҚАЙРАТ Өмірзақов", "Ғалия Іңкәрова", "Ұлжан Үмбетова", "Һарон",
            "Ёлкин Йошкар-Ола", "ул. Абая, 12", "Алматы қаласы 050000", "Жанна d'Arc", "ЇЖАК ҐҐ ЎЎ",
        ]
        for s in samples { #expect(StringNormalization.normalize(s) == StringNormalization.fold(s), "\(s)") }
        for v in 0x400..<0x500 {
            guard let scalar = Unicode.Scalar(v) else { continue }
            let s = "А" + String(Character(scalar)) + "b"
            #expect(StringNormalization.normalize(s) == StringNormalization.fold(s), "U+\(String(v, radix: 16))")
        }
    }

    @Test func foldsCaseAndAccents() {
        #expect(StringNormalization.normalize("Ёлка") == "елка")
        #expect(StringNormalization.normalize("ҚАЙРАТ") == "қаират")
        #expect(StringNormalization.normalize("José") == "jose")
        #expect(StringNormalization.normalize("e\u{301}") == "e")   // a combining mark takes the full path
    }
}
