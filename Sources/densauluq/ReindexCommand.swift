import ArgumentParser
import FHIRStore
import Foundation
import Logging

struct ReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild the search index of every stored resource (after an upgrade that indexes more).",
        discussion: "Safe to run while the server runs and to run again; each batch is one transaction.")

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Resources per transaction.") var batchSize = 1000

    func run() async throws {
        var logger = Logger(label: "densauluq.reindex")
        logger.logLevel = .warning
        let database = try await db.open(logger: logger)
        let repository = Repository(database: database, logger: logger)
        let start = Date()
        let tty = isatty(STDERR_FILENO) != 0
        let count = try await repository.reindex(batchSize: max(1, batchSize)) { done, total in
            let line = "\(done)/\(total) resources, \(Int(Double(done) / max(Date().timeIntervalSince(start), 0.001)))/s"
            FileHandle.standardError.write(Data(((tty ? "\r" : "") + line + (tty ? "" : "\n")).utf8))
        }
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
        try await database.analyze()
        await database.shutdown()
        print("Reindexed \(count) resources in \(String(format: "%.1f", Date().timeIntervalSince(start))) s.")
    }
}
