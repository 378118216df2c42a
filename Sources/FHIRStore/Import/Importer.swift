import FHIRJSON
import Foundation

/// Loads files of FHIR data: Bundles (transaction/batch, or collection loaded as PUTs) and NDJSON, plain or bzip2.
/// A file is recorded by its digest in the same transaction as its data (a Bundle) or after its last batch (NDJSON),
/// so it is never loaded twice.
public struct Importer: Sendable {
    public enum Result: Sendable, Equatable { case loaded(Int), alreadyLoaded }

    let repository: Repository
    let batchSize: Int

    public init(repository: Repository, batchSize: Int = 500) {
        self.repository = repository
        self.batchSize = batchSize
    }

    /// A file fingerprinted and, for a Bundle, parsed: made off the database path so the next file can be prepared
    /// while the current one is written. NDJSON is not read here but streamed in batches when it is written.
    public struct PreparedFile: Sendable {
        public var path: String
        public var name: String
        public var digest: String
        /// The transaction that loads a Bundle file; nil for NDJSON.
        public var bundle: JSON?
    }

    static func isNDJSON(_ name: String) -> Bool { name.hasSuffix(".ndjson") || name.hasSuffix(".ndjson.bz2") }

    /// Fingerprints a file and parses it when it is a Bundle or a single resource (no database access).
    public static func prepare(_ path: String) throws -> PreparedFile {
        let name = (path as NSString).lastPathComponent
        let digest = try ImportFiles.digest(ofFile: path)
        if isNDJSON(name) { return PreparedFile(path: path, name: name, digest: digest, bundle: nil) }
        let data = try ImportFiles.read(path)
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
        return PreparedFile(path: path, name: name, digest: digest, bundle: bundle)
    }

    /// Writes a prepared file. A Bundle is one transaction with the file's digest; NDJSON goes in transactions of
    /// `batchSize` resources, the next batch read while the current one is written, and the digest is recorded
    /// after the last, so an interrupted file is re-run as PUTs of unchanged content, which write nothing.
    public func commit(_ file: PreparedFile) async throws -> Result {
        if try await repository.isImported(digest: file.digest) { return .alreadyLoaded }
        guard let bundle = file.bundle else { return .loaded(try await commitNDJSON(file)) }
        return .loaded(try await commit(bundle, name: file.name, digest: file.digest))
    }

    private func commitNDJSON(_ file: PreparedFile) async throws -> Int {
        let reader = try NDJSONReader(path: file.path)
        let size = max(batchSize, 1)
        var upcoming = Task.detached { try reader.nextBatch(size) }
        var count = 0
        do {
            while true {
                let batch = try await upcoming.value
                if batch.resources.isEmpty { break }
                upcoming = Task.detached { try reader.nextBatch(size) }
                do {
                    count += try await commit(Self.putBundle(batch.resources), name: file.name, digest: nil)
                } catch let error as FHIRError {
                    throw Self.located(error, in: file.name, batch)
                }
            }
        } catch {
            _ = try? await upcoming.value   // the reader is the prefetching task's until it is done
            reader.close()
            throw error
        }
        reader.close()
        try await repository.recordImport(digest: file.digest, name: file.name, resources: count)
        return count
    }

    /// An error of a batch's transaction with each problem placed in the file: `Bundle.entry[3].resource.gender`
    /// becomes `Patient.gender`, and the diagnostics start with the file and line the resource came from.
    static func located(_ error: FHIRError, in name: String, _ batch: NDJSONReader.Batch) -> FHIRError {
        var error = error
        for k in error.issues.indices {
            guard let expression = error.issues[k].expression, expression.hasPrefix("Bundle.entry["),
                  let close = expression.firstIndex(of: "]"),
                  let entry = Int(expression[expression.index(expression.startIndex, offsetBy: "Bundle.entry[".count)..<close]),
                  entry < batch.lines.count else { continue }
            let rest = expression[expression.index(after: close)...]
            let type = batch.resources[entry]["resourceType"]?.stringValue ?? "Resource"
            // Anything but the resource (the entry's request, made by the importer) is the resource as a whole.
            error.issues[k].expression = rest.hasPrefix(".resource") ? type + rest.dropFirst(".resource".count) : type
            error.issues[k].diagnostics = "\(name) line \(batch.lines[entry]): " + error.issues[k].diagnostics
        }
        return error
    }

    /// Runs one transaction Bundle of a file; the number of entries written.
    private func commit(_ bundle: JSON, name: String, digest: String?) async throws -> Int {
        let response = try await repository.process(bundle: bundle, baseURL: "urn:densauluq:import", importDigest: digest.map { ($0, name) })
        let entries = response["entry"]?.arrayValue ?? []
        let failures = entries.filter { !($0["response"]?["status"]?.stringValue ?? "").hasPrefix("2") }
        if !failures.isEmpty {
            let first = failures.first?["response"]?["outcome"]?["issue"]?.arrayValue?.first?["diagnostics"]?.stringValue ?? "unknown"
            throw FHIRError(422, "processing", "\(name): \(failures.count) of \(entries.count) entries failed, first: \(first)")
        }
        return entries.count
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
            func prepare(_ index: Int) -> Task<PreparedFile, any Error>? {
                guard index < pending.count else { return nil }
                let file = pending[index]
                return Task.detached { try Self.prepare(file) }
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
        let (process, output) = try startBzip2(path)
        let data = output.readDataToEndOfFile()
        try finish(process, path)
        return Array(data)
    }

    /// `bzip2 -dc path` running, and the pipe its output comes out of.
    static func startBzip2(_ path: String) throws(FHIRError) -> (Process, FileHandle) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bzip2", "-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw FHIRError(500, "exception", "Cannot run bzip2 for \(path): \(error)") }
        return (process, pipe.fileHandleForReading)
    }

    /// Waits for bzip2 to end; an error when it found the file not to be bzip2 (or cut short).
    static func finish(_ bzip2: Process, _ path: String) throws(FHIRError) {
        bzip2.waitUntilExit()
        guard bzip2.terminationStatus == 0 else { throw FHIRError(400, "structure", "\(path) is not a valid bzip2 file") }
    }

    /// A 128-bit fingerprint of a file's bytes as stored (compressed or not), read a megabyte at a time: enough to
    /// recognise a file loaded before without reading it whole into memory.
    public static func digest(ofFile path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FHIRError(404, "not-found", "Cannot read \(path)") }
        defer { try? handle.close() }
        var digest = Digest()
        while true {
            let data = handle.readData(ofLength: 1 << 20)
            if data.isEmpty { break }
            data.withUnsafeBytes { digest.add($0) }
        }
        return digest.value
    }

    /// Two FNV-1a-style 64-bit lanes over the bytes, plus their count.
    struct Digest {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4, count = 0

        mutating func add(_ bytes: UnsafeRawBufferPointer) {
            for byte in bytes {
                a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
                b = (b &+ UInt64(byte)) &* 0x9E37_79B9_7F4A_7C15
                b ^= b >> 29
                count += 1
            }
        }

        var value: String { String(a, radix: 16) + String(b, radix: 16) + "-" + String(count) }
    }
}
