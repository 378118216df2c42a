import ArgumentParser
import FHIRStore
import Foundation
import Logging

@main
struct Densauluq: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "densauluq",
        abstract: "Densauluq: the national digital-health platform core (FHIR R4 server).",
        subcommands: [Serve.self, Migrate.self, Import.self, ReindexCommand.self, Demo.self, Users.self, Clients.self, AuditCommand.self, AttachCommand.self, RemindersCommand.self, SurveillanceCommand.self, PlansCommand.self, IndicatorsCommand.self],
        defaultSubcommand: Serve.self
    )
}

/// Options shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "Database URL: postgres://user:pass@host:port/db (a Unix socket: postgres://user@/db?host=/var/run/postgresql), or a SQLite file path (default: $DENSAULUQ_DATABASE_URL or densauluq.sqlite).")
    var database: String?

    @Option(name: .long, help: "Most connections open to the database at once (default: $DENSAULUQ_DATABASE_CONNECTIONS, else 4 for SQLite and 4 per core, 8 to 32, for PostgreSQL; SQLite opens as many again, read-only, for lookups by key).")
    var databaseConnections: Int?

    /// The pool size asked for, if any: more connections than cores mostly add context switches on a small machine.
    var maxConnections: Int? {
        databaseConnections ?? ProcessInfo.processInfo.environment["DENSAULUQ_DATABASE_CONNECTIONS"].flatMap(Int.init)
    }

    func validate() throws {
        if databaseConnections == nil, let text = ProcessInfo.processInfo.environment["DENSAULUQ_DATABASE_CONNECTIONS"], Int(text) == nil {
            throw ValidationError("DENSAULUQ_DATABASE_CONNECTIONS must be a whole number, not '\(text)'")
        }
        if let n = maxConnections, n < 1 {
            throw ValidationError("--database-connections (or DENSAULUQ_DATABASE_CONNECTIONS) must be at least 1, not \(n)")
        }
    }

    var configuration: DatabaseConfiguration {
        DatabaseConfiguration(url: database ?? ProcessInfo.processInfo.environment["DENSAULUQ_DATABASE_URL"])
    }

    /// Opens the database and brings its schema up to date.
    func open(logger: Logger) async throws -> Database {
        let db = try Database(configuration, logger: logger, maxConnections: maxConnections)
        do {
            try await Migrations.run(on: db)
        } catch {
            await db.shutdown()
            throw ValidationError("Cannot open \(configuration): \(String(reflecting: error))")
        }
        return db
    }

    /// Opens the database, runs `body` with it and shuts it down, also when `body` throws.
    func withDatabase<T>(label: String = "densauluq", _ body: (Database, Logger) async throws -> T) async throws -> T {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        let database = try await open(logger: logger)
        do {
            let result = try await body(database, logger)
            await database.shutdown()
            return result
        } catch {
            await database.shutdown()
            throw error
        }
    }
}
