import ArgumentParser
import Audit
import FHIRStore
import Foundation
import Logging
import PrimaryCare

/// `densauluq attach auto`: the automatic attachment of unattached people, for a scheduled job.
struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Attachment to primary care.", subcommands: [Auto.self])

    struct Auto: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Attach every unattached living person to the nearest primary-care organisation with room.",
            discussion: "From the geolocation of their home address; people without coordinates or without an organisation with room are counted and left. Each person attached gets an audit entry.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "People per transaction.") var batch = 1000
        @Option(help: "Batches in flight at once (default: one on SQLite, one per processor and at least two on PostgreSQL).") var workers: Int?

        func run() async throws {
            var logger = Logger(label: "densauluq.attach")
            logger.logLevel = .warning
            let database = try await db.open(logger: logger)
            let audit = AuditLog(database: database, logger: logger)
            do {
                let service = AttachmentService(repository: Repository(database: database, logger: logger))
                let trace = AccessTrace()
                let report = try await AccessTrace.$current.withValue(trace) {
                    try await service.autoAssign(batchSize: batch, workers: workers) { r in
                        FileHandle.standardError.write(Data("\r  \(r.attached) attached".utf8))
                    }
                }
                FileHandle.standardError.write(Data("\n".utf8))
                let now = Instant.now().iso
                let patients = trace.patients
                for start in stride(from: 0, to: patients.count, by: 20_000) {
                    audit.record(contentsOf: patients[start..<min(start + 20_000, patients.count)].map { patient in
                        AuditEntry(recorded: now, actor: "cli", role: "system-admin", patient: patient,
                                   action: "$auto-attach", target: "$auto-attach", outcome: 200, source: "densauluq attach auto")
                    })
                }
                try await audit.shutdown()
                await database.shutdown()
                print(String(format: "Attached %d people in %.1f s; %d without an organisation with room, %d without home coordinates.",
                             report.attached, report.seconds, report.noRoom, report.noCoordinates))
            } catch {
                try? await audit.shutdown()
                await database.shutdown()
                throw error
            }
        }
    }
}
