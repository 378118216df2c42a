import FHIRJSON
import FHIRValidation
import Foundation
import Testing

/// Parses JSON text written in a test; a parse failure is a bug in the test itself.
func json(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSON {
    do {
        return try JSONParser.parse(text)
    } catch {
        Issue.record("Test JSON does not parse: \(error)", sourceLocation: sourceLocation)
        return .null
    }
}

/// `(code, location)` of each issue, sorted, for comparing against an expected list.
func summary(_ issues: [ValidationIssue]) -> [String] {
    issues.map { "\($0.code) \($0.location)" }.sorted()
}

/// The Synthea sample bundles shipped with the project, decompressed with `bzip2 -dc`.
enum Synthea {
    static let folder = "/work/shared/fhir/synthea"

    /// Whether the sample folder and `bzip2` are available (tests that need them are skipped otherwise).
    static var available: Bool {
        FileManager.default.fileExists(atPath: folder) && bzip2 != nil
    }

    static var bzip2: String? {
        ["/usr/bin/bzip2", "/bin/bzip2", "/usr/local/bin/bzip2"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The sample file paths, sorted.
    static func files() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".json.bz2") }.sorted().map { folder + "/" + $0 }
    }

    /// The decompressed bytes of one sample file.
    static func decompress(_ path: String) throws -> [UInt8] {
        guard let bzip2 else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bzip2)
        process.arguments = ["-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileReadCorruptFile) }
        return [UInt8](data)
    }

    /// Every sample bundle, parsed, with its file name.
    static func bundles() throws -> [(name: String, bundle: JSON)] {
        try files().map { path in
            (String(path.split(separator: "/").last ?? ""), try JSONParser.parse(try decompress(path)))
        }
    }
}
