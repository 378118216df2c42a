import ArgumentParser
import FHIRStore
import Foundation
import Identity
import Logging

struct Clients: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage integration clients (medical information systems using the client-credentials grant).",
        subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a client; prints its client_id and secret (the secret is shown only once).")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Name of the information system.") var name: String
        @Option(help: "Organization id the client acts for.") var organization: String
        @Option(help: "Space-separated SMART system scopes, e.g. \"system/*.read system/Observation.write\".") var scope: String

        func run() async throws {
            var logger = Logger(label: "densauluq.clients")
            logger.logLevel = .warning
            let database = try await db.open(logger: logger)
            do {
                let (client, secret) = try await ClientStore(database: database)
                    .add(name: name, organization: organization, scopes: scope.split(separator: " ").map(String.init))
                await database.shutdown()
                print("client_id=\(client.id)")
                print("client_secret=\(secret)")
            } catch let error as IdentityError {
                await database.shutdown()
                throw CommandFailure(error.description)
            } catch {
                await database.shutdown()
                throw error
            }
        }
    }
}
