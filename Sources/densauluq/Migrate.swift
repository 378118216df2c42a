import ArgumentParser
import FHIRStore
import Logging

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema (safe to run again).")

    @OptionGroup var db: DatabaseOptions

    func run() async throws {
        let logger = Logger(label: "densauluq.migrate")
        let database = try Database(db.configuration, logger: logger)
        let applied = try await Migrations.run(on: database)
        let version = try await Migrations.currentVersion(of: database)
        await database.shutdown()
        print(applied.isEmpty ? "Schema is up to date (version \(version))." : "Applied migrations \(applied.map(String.init).joined(separator: ", ")); schema version \(version).")
    }
}
