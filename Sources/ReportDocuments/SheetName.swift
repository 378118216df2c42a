/// The rules Excel has for the names of worksheets.
public enum SheetName {
    /// The longest name Excel accepts, in UTF-16 code units.
    public static let maximumLength = 31
    /// Characters Excel does not accept in a sheet name.
    public static let forbiddenCharacters: Set<Character> = [":", "\\", "/", "?", "*", "[", "]"]
    /// What replaces each forbidden character.
    public static let replacement: Character = "_"

    /// `name` made acceptable to Excel: characters illegal in XML removed, line breaks and tabs made spaces,
    /// forbidden characters replaced by "_", surrounding spaces and apostrophes (which Excel refuses at either end)
    /// trimmed, cut to 31 UTF-16 code units, and "Sheet" when nothing is left or the name is Excel's reserved
    /// "History".
    public static func sanitized(_ name: String) -> String {
        var text = ""
        for character in XMLText.sanitized(name) {
            if forbiddenCharacters.contains(character) {
                text.append(replacement)
            } else if character.isNewline || character == "\t" {
                text.append(" ")
            } else {
                text.append(character)
            }
        }
        text = trimmed(text)
        text = truncated(text, to: maximumLength)
        text = trimmed(text)
        if text.isEmpty || text.lowercased() == "history" { return "Sheet" }
        return text
    }

    /// `names` sanitised and made unique ignoring case, as Excel requires: a repeated name gets " (2)", " (3)"…,
    /// cut so that the whole stays within 31 code units.
    public static func uniqueSanitized(_ names: [String]) -> [String] {
        var used = Set<String>()
        var result: [String] = []
        for name in names {
            let base = sanitized(name)
            var candidate = base
            var counter = 2
            while used.contains(candidate.lowercased()) {
                let suffix = " (\(counter))"
                candidate = trimmed(truncated(base, to: maximumLength - suffix.utf16.count)) + suffix
                counter += 1
            }
            used.insert(candidate.lowercased())
            result.append(candidate)
        }
        return result
    }

    private static func trimmed(_ text: String) -> String {
        var characters = Substring(text)
        while let first = characters.first, first == " " || first == "'" { characters.removeFirst() }
        while let last = characters.last, last == " " || last == "'" { characters.removeLast() }
        return String(characters)
    }

    private static func truncated(_ text: String, to limit: Int) -> String {
        var result = ""
        var length = 0
        for character in text {
            let units = character.utf16.count
            if length + units > limit { break }
            result.append(character)
            length += units
        }
        return result
    }
}
