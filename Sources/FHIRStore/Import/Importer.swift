import FHIRJSON
import Foundation

/// Loads files of FHIR data: Bundles (transaction/batch, or collection loaded as PUTs) and NDJSON, plain or bzip2.
/// A file is recorded by content digest in the same transaction as its data, so it is never loaded twice.
public struct Importer: Sendable {
    public enum Result: Sendable, Equatable { case loaded(Int), alreadyLoaded }

    let repository: Repository
    let batchSize: Int

    public init(repository: Repository, batchSize: Int = 500) {
        self.repository = repository
        self.batchSize = batchSize
    }

    /// A file read, fingerprinted and parsed into the transaction Bundles that load it; made off the database
    /// path so the next file can be prepared while the current one is written.
    public struct PreparedFile: Sendable {
        public var path: String
        public var name: String
        public var digest: String
        public var bundles: [JSON]
    }

    /// Reads and loads one file. A file whose content was loaded before is skipped.
    public func load(_ path: String) async throws -> Result {
        try await commit(try Self.prepare(path, batchSize: batchSize))
    }

    /// Reads, fingerprints and parses a file (no database access).
    public static func prepare(_ path: String, batchSize: Int = 500) throws -> PreparedFile {
        let data = try ImportFiles.read(path)
        let digest = ImportFiles.digest(data)
        let name = (path as NSString).lastPathComponent
        if name.hasSuffix(".ndjson") || name.hasSuffix(".ndjson.bz2") {
            let lines = data.split(separator: 0x0A, omittingEmptySubsequences: true)
            var resources: [JSON] = []
            resources.reserveCapacity(lines.count)
            for (i, line) in lines.enumerated() {
                do { resources.append(try JSONParser.parse(line)) } catch {
                    throw FHIRError(400, "structure", "\(name) line \(i + 1): \(error.description)")
                }
            }
            let bundles = stride(from: 0, to: resources.count, by: max(batchSize, 1)).map {
                putBundle(Array(resources[$0..<min($0 + max(batchSize, 1), resources.count)]))
            }
            return PreparedFile(path: path, name: name, digest: digest, bundles: bundles)
        }
        let json: JSON
        do { json = try JSONParser.parse(data) } catch { throw FHIRError(400, "structure", "\(name): \(error.description)") }
        let type = json["type"]?.stringValue
        let bundle: JSON
        if json["resourceType"]?.stringValue == "Bundle", type == "transaction" || type == "batch" {
            bundle = json
        } else if json["resourceType"]?.stringValue == "Bundle" {
            bundle = putBundle((json["entry"]?.arrayValue ?? []).compactMap { $0["resource"] })
        } else {
            bundle = putBundle([json])
        }
        return PreparedFile(path: path, name: name, digest: digest, bundles: [bundle])
    }

    /// Writes a prepared file. NDJSON goes in transactions of `batchSize` resources, the digest with the last one,
    /// so an interrupted file is re-run as PUTs of unchanged content, which write nothing.
    public func commit(_ file: PreparedFile) async throws -> Result {
        if try await repository.isImported(digest: file.digest) { return .alreadyLoaded }
        let base = "urn:densauluq:import"
        var count = 0
        for (i, bundle) in file.bundles.enumerated() {
            let last = i == file.bundles.count - 1
            let response = try await repository.process(bundle: bundle, baseURL: base, importDigest: last ? (file.digest, file.name) : nil)
            let entries = response["entry"]?.arrayValue ?? []
            let failures = entries.filter { !($0["response"]?["status"]?.stringValue ?? "").hasPrefix("2") }
            if !failures.isEmpty {
                let first = failures.first?["response"]?["outcome"]?["issue"]?.arrayValue?.first?["diagnostics"]?.stringValue ?? "unknown"
                throw FHIRError(422, "processing", "\(file.name): \(failures.count) of \(entries.count) entries failed, first: \(first)")
            }
            count += entries.count
        }
        if file.bundles.isEmpty { try await repository.recordImport(digest: file.digest, name: file.name) }
        return .loaded(count)
    }

    /// What became of one file of a `loadAll`.
    public enum FileOutcome: Sendable {
        case loaded(resources: Int)
        case alreadyLoaded
        case failed(FHIRError)
    }

    /// Loads many files, each in its own transactions, and reports each file's outcome once.
    ///
    /// Files are taken in the order given, the next one read and parsed on another core while the current one is
    /// written. A file that fails only because resources it references do not exist yet is put off and tried
    /// again after the others: an export with one NDJSON file per resource type (the FHIR Bulk Data layout) lists
    /// `Condition.ndjson` before the `Encounter.ndjson` and `Patient.ndjson` it points to. Passes repeat while one
    /// of them loads a file; what is still missing after that (references between files that point both ways, or
    /// to nothing) is reported as the file's failure.
    public func loadAll(_ paths: [String], report: (String, FileOutcome) -> Void) async {
        var pending = paths
        while !pending.isEmpty {
            var deferred: [(String, FHIRError)] = []
            var loadedThisPass = false
            let batch = batchSize
            func prepare(_ index: Int) -> Task<PreparedFile, any Error>? {
                guard index < pending.count else { return nil }
                let file = pending[index]
                return Task.detached { try Self.prepare(file, batchSize: batch) }
            }
            var next = prepare(0)
            for (index, path) in pending.enumerated() {
                let current = next
                next = prepare(index + 1)
                guard let current else { break }
                do {
                    switch try await commit(try await current.value) {
                    case .loaded(let n): loadedThisPass = true; report(path, .loaded(resources: n))
                    case .alreadyLoaded: report(path, .alreadyLoaded)
                    }
                } catch let error as FHIRError where error.isMissingReferences {
                    deferred.append((path, error))
                } catch let error as FHIRError {
                    report(path, .failed(error))
                } catch {
                    report(path, .failed(FHIRError(500, "exception", String(describing: error))))
                }
            }
            guard loadedThisPass else {
                for (path, error) in deferred { report(path, .failed(error)) }
                return
            }
            pending = deferred.map(\.0)
        }
    }

    /// A transaction that PUTs each resource with its own id (POST when it has none), so loading is idempotent.
    static func putBundle(_ resources: [JSON]) -> JSON {
        let entries: [JSON] = resources.map { r in
            let type = r["resourceType"]?.stringValue ?? ""
            if let id = r["id"]?.stringValue {
                return ["resource": r, "request": ["method": "PUT", "url": .string("\(type)/\(id)")]]
            }
            return ["resource": r, "request": ["method": "POST", "url": .string(type)]]
        }
        return ["resourceType": "Bundle", "type": "transaction", "entry": .array(entries)]
    }
}

/// Finding, reading and fingerprinting import files.
public enum ImportFiles {
    /// Files under the given paths with a FHIR data extension, sorted by path (so `0-…` organisation bundles load first).
    public static func collect(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
                throw FHIRError(404, "not-found", "No such file or folder: \(path)")
            }
            if isDir.boolValue {
                let items = try fm.subpathsOfDirectory(atPath: path).sorted()
                out += items.map { (path as NSString).appendingPathComponent($0) }.filter(isDataFile)
            } else {
                out.append(path)
            }
        }
        return out
    }

    static func isDataFile(_ p: String) -> Bool {
        [".json", ".json.bz2", ".ndjson", ".ndjson.bz2"].contains { p.hasSuffix($0) }
    }

    /// The file's bytes, decompressed with the system's bzip2 when it ends in `.bz2`.
    public static func read(_ path: String) throws -> [UInt8] {
        guard path.hasSuffix(".bz2") else {
            guard let d = FileManager.default.contents(atPath: path) else { throw FHIRError(404, "not-found", "Cannot read \(path)") }
            return Array(d)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bzip2", "-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FHIRError(400, "structure", "\(path) is not a valid bzip2 file") }
        return Array(data)
    }

    /// A 128-bit content fingerprint (two FNV-1a 64 lanes): enough to recognise a file already loaded.
    public static func digest(_ bytes: [UInt8]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b &+ UInt64(byte)) &* 0x9E37_79B9_7F4A_7C15
            b ^= b >> 29
        }
        return String(a, radix: 16) + String(b, radix: 16) + "-" + String(bytes.count)
    }
}
