import FHIRJSON
import Foundation

/// Reads an NDJSON file, plain or bzip2, a batch of resources at a time, so that a file of any size is loaded in
/// bounded memory (a Bulk Data export's `Observation.ndjson` can be tens of gigabytes).
///
/// `@unchecked Sendable`: the importer hands the reader from task to task (the next batch is read while the
/// current one is written) but never lets two tasks use it at once.
final class NDJSONReader: @unchecked Sendable {
    let name: String
    private let path: String
    private let handle: FileHandle
    private let decompressor: Process?
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var lineNumber = 0
    private static let chunk = 1 << 20

    init(path: String) throws(FHIRError) {
        self.path = path
        name = (path as NSString).lastPathComponent
        if path.hasSuffix(".bz2") {
            let (bzip2, output) = try ImportFiles.startBzip2(path)
            decompressor = bzip2
            handle = output
        } else {
            guard let h = FileHandle(forReadingAtPath: path) else { throw FHIRError(404, "not-found", "Cannot read \(path)") }
            decompressor = nil
            handle = h
        }
    }

    /// Resources read together, with the line each came from (for errors that name where in the file).
    struct Batch: Sendable {
        var resources: [JSON] = []
        var lines: [Int] = []
    }

    /// Up to `size` resources, in file order; empty at the end of the file. Blank lines are skipped.
    func nextBatch(_ size: Int) throws(FHIRError) -> Batch {
        var batch = Batch()
        batch.resources.reserveCapacity(size)
        while batch.resources.count < size, let line = try nextLine() {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do { batch.resources.append(try JSONParser.parse(line)) } catch {
                throw FHIRError(400, "structure", "\(name) line \(lineNumber): \(error.description)")
            }
            batch.lines.append(lineNumber)
        }
        return batch
    }

    /// The next line's bytes without its newline, or nil at the end of the file.
    private func nextLine() throws(FHIRError) -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[position...].firstIndex(of: 0x0A) {
                let line = buffer[position..<newline]
                position = newline + 1
                return line
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let line = buffer[position...]
                position = buffer.count
                return line
            }
            // Keep the unfinished line, drop what was read, and read on.
            buffer.removeSubrange(0..<position)
            position = 0
            let data = handle.readData(ofLength: Self.chunk)
            if data.isEmpty {
                atEnd = true
                try finishDecompressor()
            } else {
                buffer.append(contentsOf: data)
            }
        }
    }

    private func finishDecompressor() throws(FHIRError) {
        if let decompressor { try ImportFiles.finish(decompressor, path) }
    }

    /// Closes the file; stops bzip2 when the file was not read to its end.
    func close() {
        if let decompressor, decompressor.isRunning { decompressor.terminate() }
        try? handle.close()
        if let decompressor { decompressor.waitUntilExit() }
    }
}
