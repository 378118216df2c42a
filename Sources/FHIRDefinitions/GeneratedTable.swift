/// Reading of the line-oriented, tab-separated tables in `Generated/`.
///
/// The generated files are produced by `Scripts/generate_fhir_definitions.py` and committed;
/// their text is static, so a malformed record is a generator bug. It stops the program with a
/// message naming the table and line rather than producing a silently wrong table.
enum GeneratedTable {
    /// The non-empty lines of `text`, each split into its tab-separated fields, with 1-based line numbers.
    static func records(_ text: String) -> [(line: Int, fields: [Substring])] {
        var result: [(line: Int, fields: [Substring])] = []
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            if line.isEmpty { continue }
            result.append((number, line.split(separator: "\t", omittingEmptySubsequences: false)))
        }
        return result
    }

    /// Stops with a clear message about a malformed generated record.
    static func malformed(_ table: String, _ line: Int, _ problem: String) -> Never {
        preconditionFailure(
            "FHIRDefinitions: malformed generated table \(table), line \(line): \(problem). "
                + "Regenerate with `python3 Scripts/generate_fhir_definitions.py`.")
    }

    /// Checks that a record has exactly `count` fields.
    static func expect(_ fields: [Substring], count: Int, _ table: String, _ line: Int) {
        if fields.count != count {
            malformed(table, line, "expected \(count) fields, found \(fields.count)")
        }
    }

    /// A comma-separated list field; empty for an empty field.
    static func list(_ field: Substring, separator: Character = ",") -> [String] {
        field.isEmpty ? [] : field.split(separator: separator, omittingEmptySubsequences: false).map(String.init)
    }
}
