import ArgumentParser
import FHIRStore
import Foundation
import Logging

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load FHIR Bundles (.json) and NDJSON (.ndjson), plain or .bz2, from files or folders.",
        discussion: "Each file is recorded when it has been loaded, so an interrupted import can be run again without loading anything twice.")

    @OptionGroup var db: DatabaseOptions
    @Argument(help: "Files or folders to load.") var paths: [String]
    @Option(help: "NDJSON resources per transaction.") var batchSize = 500

    func run() async throws {
        var logger = Logger(label: "densauluq.import")
        logger.logLevel = .warning
        let files = try ImportFiles.collect(paths)
        guard !files.isEmpty else { throw ValidationError("No .json, .ndjson or .bz2 files found in \(paths.joined(separator: ", "))") }
        let database = try await db.open(logger: logger)
        let repository = Repository(database: database, logger: logger)
        let importer = Importer(repository: repository, batchSize: batchSize)
        let progress = ProgressBar(total: files.count)
        let start = Date()
        var loaded = 0, loadedFiles = 0, skipped = 0, failed: [(String, String)] = []
        await importer.loadAll(files) { file, outcome in
            switch outcome {
            case .loaded(let n): loaded += n; loadedFiles += 1
            case .alreadyLoaded: skipped += 1
            case .failed(let error): failed.append((file, error.summary()))
            }
            progress.advance(resources: loaded, elapsed: Date().timeIntervalSince(start))
        }
        progress.finish()
        if loaded > 0 { try await database.analyze() }
        await database.shutdown()
        let seconds = Date().timeIntervalSince(start)
        let rate = seconds > 0 ? Double(loaded) / seconds : 0
        print("Imported \(loaded) resources from \(loadedFiles) files in \(String(format: "%.1f", seconds)) s: \(String(format: "%.0f", rate)) resources/s." + (skipped > 0 ? " \(skipped) files were loaded before and skipped." : ""))
        for (file, message) in failed { print("FAILED \(file): \(message)") }
        if !failed.isEmpty { throw ExitCode(1) }
    }
}

/// A one-line progress bar on standard error (a line per step when it is not a terminal).
final class ProgressBar {
    let total: Int
    var done = 0
    let tty = isatty(STDERR_FILENO) != 0

    init(total: Int) { self.total = total }

    func advance(resources: Int, elapsed: Double) {
        done += 1
        let width = 30
        let filled = total > 0 ? done * width / total : width
        let rate = elapsed > 0 ? Int(Double(resources) / elapsed) : 0
        let line = "[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(done)/\(total) files, \(resources) resources, \(rate)/s"
        FileHandle.standardError.write(Data(((tty ? "\r" : "") + line + (tty ? "" : "\n")).utf8))
    }

    func finish() { if tty { FileHandle.standardError.write(Data("\n".utf8)) } }
}
