import Foundation

/// The user-facing text of every page, one JSON file per language (`Resources/i18n/ru.json` …), loaded once.
/// A key missing in Kazakh falls back to Russian, then to English, then to the key itself, so a page never shows
/// an empty label.
public struct Translations: Sendable {
    let tables: [Language: [String: String]]
    let merged: [Language: [String: String]]

    /// Reads the files from `directory`.
    /// - Throws: `WebAppError.resourceMissing` or `.badTranslationFile` naming the file.
    public init(directory: URL) throws(WebAppError) {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let url = directory.appendingPathComponent("\(language.rawValue).json")
            guard let data = try? Data(contentsOf: url) else { throw .resourceMissing(url.path) }
            guard let table = try? JSONDecoder().decode([String: String].self, from: data) else { throw .badTranslationFile(url.path) }
            tables[language] = table
        }
        self.tables = tables
        merged = Self.merge(tables)
    }

    /// The text of `key` in `language`, with `{name}` placeholders replaced.
    public func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        var text = tables[language]?[key] ?? (language == .kk ? tables[.ru]?[key] : nil) ?? tables[.en]?[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// Every text of `language` (with the fallbacks), for templates: `{{t.sign_in}}`; merged once when loaded,
    /// not on every page.
    func table(_ language: Language) -> [String: String] { merged[language] ?? [:] }

    static func merge(_ tables: [Language: [String: String]]) -> [Language: [String: String]] {
        var out: [Language: [String: String]] = [:]
        for language in Language.allCases {
            var merged = tables[.en] ?? [:]
            if language == .kk { merged.merge(tables[.ru] ?? [:]) { _, ru in ru } }
            merged.merge(tables[language] ?? [:]) { _, own in own }
            out[language] = merged
        }
        return out
    }
}
