import ArgumentParser
import Audit
import FHIRStore
import Foundation
import Logging

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the audit trail.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-compute the audit trail's hash chain; exit status 1 when a row was changed or removed.",
            discussion: "Prints the number of rows and the hash of the last one. Keep that hash somewhere else (a ticket, a signed e-mail): removing rows at the very end leaves a shorter chain that is still consistent, and only a remembered head shows it.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            var logger = Logger(label: "densauluq.audit")
            logger.logLevel = .warning
            let database = try await db.open(logger: logger)
            let report: AuditVerifier.Report
            do { report = try await AuditVerifier.verify(database) } catch { await database.shutdown(); throw error }
            await database.shutdown()
            if let broken = report.broken {
                print("BROKEN at row \(broken.seq): \(broken.reason). \(report.rows) rows before it are intact (head \(report.head)).")
                throw ExitCode(1)
            }
            print("Audit trail intact: \(report.rows) rows, head \(report.head)")
        }
    }
}
