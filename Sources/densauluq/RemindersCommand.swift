import ArgumentParser
import FHIRStore
import Logging
import PrimaryCare

/// `densauluq reminders send`: the reminder job once, for a scheduler outside the server.
struct RemindersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reminders", abstract: "Reminders before visits.", subcommands: [Send.self])

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a reminder (a Communication) for every booked visit in the next 24 hours that has none yet.",
            discussion: "`densauluq serve` runs this every five minutes by itself.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "How far ahead, in hours.") var hours = 24.0

        func run() async throws {
            var logger = Logger(label: "densauluq.reminders")
            logger.logLevel = .warning
            let database = try await db.open(logger: logger)
            do {
                let n = try await ReminderService(repository: Repository(database: database, logger: logger), horizon: hours * 3600).sendDue()
                await database.shutdown()
                print("Sent \(n) reminder(s).")
            } catch {
                await database.shutdown()
                throw error
            }
        }
    }
}
