import Foundation

/// The ICD-10 (МКБ-10 / ХАЖ-10) codes a clinician picks diagnoses from, with their titles in Russian, Kazakh and
/// English, and a search by code or by words as a doctor types them ("J06", "бронхит остр", "back pain").
///
/// The shipped catalogue (`Resources/icd10.tsv`) holds the categories and subcategories of everyday primary care
/// and every notifiable infection; a deployment can load the full national classifier from a file of the same
/// shape (`code	ru	kk	en`, a header line first).
public struct ICD10Catalog: Sendable {
    /// One code with its titles.
    public struct Entry: Sendable, Equatable {
        public var code: String
        public var ru: String
        public var kk: String
        public var en: String

        /// The title in a language (`ru`, `kk`, `en`); Russian for any other.
        public func title(_ language: String) -> String {
            switch language {
            case "kk": kk
            case "en": en
            default: ru
            }
        }
    }

    public let entries: [Entry]
    let byCode: [String: Int]
    /// Lower-cased words of all three titles of each entry, for the word search.
    let words: [[Substring]]

    public init(entries: [Entry]) {
        self.entries = entries.sorted { $0.code < $1.code }
        byCode = Dictionary(self.entries.enumerated().map { ($1.code, $0) }, uniquingKeysWith: { a, _ in a })
        words = self.entries.map { e in Self.words(e.ru + " " + e.kk + " " + e.en) }
    }

    /// The catalogue shipped with the module (read once per call: keep the result).
    /// - Throws: `TerminologyError` when the file is missing or malformed.
    public static func shipped() throws -> ICD10Catalog {
        guard let root = Bundle.module.url(forResource: "Resources", withExtension: nil),
              let text = try? String(contentsOf: root.appendingPathComponent("icd10.tsv"), encoding: .utf8) else {
            throw TerminologyError.missing("icd10.tsv")
        }
        return try ICD10Catalog(tsv: text)
    }

    /// A catalogue from tab-separated text: a header line, then `code`, `ru`, `kk`, `en` per line.
    /// - Throws: `TerminologyError.badLine` naming the first line that has not four fields or a malformed code.
    public init(tsv: String) throws {
        var entries: [Entry] = []
        for (index, line) in tsv.split(whereSeparator: \.isNewline).enumerated().dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 4, Self.isCode(fields[0]) else { throw TerminologyError.badLine(index + 1, String(line)) }
            entries.append(Entry(code: fields[0], ru: fields[1], kk: fields[2], en: fields[3]))
        }
        self.init(entries: entries)
    }

    /// `A00`–`Z99` with an optional subcategory (`J06.9`).
    public static func isCode(_ text: String) -> Bool {
        text.wholeMatch(of: /[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?/) != nil
    }

    public func entry(_ code: String) -> Entry? { byCode[code].map { entries[$0] } }

    /// Codes matching what a clinician typed, best first, at most `limit`.
    ///
    /// A query that looks like a code (`j06`, `J06.9`, `I1`) finds the codes starting with it. Otherwise every
    /// word of the query must begin a word of one of the titles (in any of the three languages, so a Kazakh
    /// speaker finds Russian-titled habits too); entries whose title in `language` matches come first, then
    /// the shorter codes (categories before their subcategories).
    public func search(_ query: String, language: String = "ru", limit: Int = 20) -> [Entry] {
        let trimmed = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, limit > 0 else { return [] }
        let upper = trimmed.uppercased().replacingOccurrences(of: ",", with: ".")
        if upper.wholeMatch(of: /[A-Z][0-9]{0,2}(\.[0-9A-Z]{0,4})?/) != nil {
            return Array(entries.lazy.filter { $0.code.hasPrefix(upper) }.prefix(limit))
        }
        let wanted = Self.words(trimmed)
        guard !wanted.isEmpty else { return [] }
        var found: [(rank: Int, index: Int)] = []
        for (i, titleWords) in words.enumerated() where wanted.allSatisfy({ w in titleWords.contains { $0.hasPrefix(w) } }) {
            let own = Self.words(entries[i].title(language))
            let inLanguage = wanted.allSatisfy { w in own.contains { $0.hasPrefix(w) } }
            found.append(((inLanguage ? 0 : 100) + entries[i].code.count, i))
        }
        return found.sorted { ($0.rank, $0.index) < ($1.rank, $1.index) }.prefix(limit).map { entries[$0.index] }
    }

    /// Lower-cased words; `ё` read as `е`, so that either spelling finds the other.
    static func words(_ text: String) -> [Substring] {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
            .split { !$0.isLetter && !$0.isNumber }
    }
}

/// A catalogue file that cannot be read.
public enum TerminologyError: Error, CustomStringConvertible {
    case badLine(Int, String)
    case missing(String)

    public var description: String {
        switch self {
        case .badLine(let n, let line): "line \(n) is not 'code<TAB>ru<TAB>kk<TAB>en' with an ICD-10 code: \(line.prefix(80))"
        case .missing(let file): "the catalogue \(file) is not in the module's resources"
        }
    }
}
