import Foundation

/// FHIR string search is case- and accent-insensitive: we store and query a folded form.
public enum StringNormalization {
    public static func normalize(_ s: String) -> String {
        // Fast path for plain ASCII (most codes and Latin names).
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: s.utf8.map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }, as: UTF8.self)
        }
        // Fast path for Latin and Cyrillic text (Russian and Kazakh names and addresses): per character from a
        // table made with the same Foundation folding, which on Linux costs microseconds per string. Without
        // combining marks each character folds on its own, so the result is the same as folding the whole string.
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                out.append((v >= 65 && v <= 90) ? UInt8(v + 32) : UInt8(v))
            } else if v >= 0x400 && v < 0x500 && !(0x483...0x489).contains(v) {   // not the combining marks
                out.append(contentsOf: cyrillic[Int(v - 0x400)])
            } else {
                return fold(s)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func fold(_ s: String) -> String {
        s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).lowercased()
    }

    /// The folded form (UTF-8) of each character of the Cyrillic block U+0400–U+04FF.
    static let cyrillic: [[UInt8]] = (0x400..<0x500).map { v in Unicode.Scalar(v).map { Array(fold(String(Character($0))).utf8) } ?? [] }

    /// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
    public static func likeEscaped(_ s: String) -> String {
        var out = ""
        for c in s {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
