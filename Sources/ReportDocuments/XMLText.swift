/// Text made safe for XML 1.0 documents.
enum XMLText {
    /// `text` without the characters XML 1.0 does not allow (control characters other than tab, line feed and
    /// carriage return, and U+FFFE, U+FFFF), with "\r\n" and "\r" made "\n" (a parser would do so anyway).
    static func sanitized(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var previousWasCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { previousWasCarriageReturn = scalar == "\r" }
            if scalar == "\n" && previousWasCarriageReturn { continue }
            if scalar == "\r" { scalars.append("\n"); continue }
            if isAllowed(scalar) { scalars.append(scalar) }
        }
        return String(scalars)
    }

    /// Whether XML 1.0 allows `scalar` in a document.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD: return true
        case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// `text` sanitised and with & < > " ' written as entities, for element content and attribute values alike.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in sanitized(text) {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Whether `text` needs xml:space="preserve" to keep its spaces: it starts or ends with white space, or holds
    /// line breaks, tabs or runs of spaces.
    static func needsPreservedSpace(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        let white: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r"]
        return white.contains(first) || white.contains(last) || text.contains("  ") || text.contains("\n") || text.contains("\t")
    }
}
