import ArgumentParser
import FHIRStore
import Foundation

struct ReindexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild the search index of every stored resource (after an upgrade that indexes more).",
        discussion: "Safe to run while the server runs and to run again; each batch is one transaction.")

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Resources per transaction.") var batchSize = 1000

    func run() async throws {
        let start = Date()
        let tty = isatty(STDERR_FILENO) != 0
        let count = try await db.withDatabase(label: "densauluq.reindex") { database, logger in
            let n = try await Repository(database: database, logger: logger).reindex(batchSize: max(1, batchSize)) { done, total in
                let rate = Int(Double(done) / max(Date().timeIntervalSince(start), 0.001))
                FileHandle.standardError.write(Data(((tty ? "\r" : "") + "\(done)/\(total) resources, \(rate)/s" + (tty ? "" : "\n")).utf8))
            }
            try await database.analyze()
            return n
        }
        if tty { FileHandle.standardError.write(Data("\n".utf8)) }
        print("Reindexed \(count) resources in \(String(format: "%.1f", Date().timeIntervalSince(start))) s.")
    }
}
