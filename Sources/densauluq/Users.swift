import ArgumentParser
import FHIRStore
import Foundation
import Identity
import Logging

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage accounts: add, list, disable.",
        subcommands: [Add.self, List.self, Disable.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account.",
            discussion: """
                The password is read from standard input (--password-stdin) or from $DENSAULUQ_PASSWORD, never from the \
                command line, where other users of the machine could see it. Example:
                  echo "$PW" | densauluq users add --username aigerim --role citizen --iin 900412450017 --password-stdin
                """)
        @OptionGroup var db: DatabaseOptions
        @Option(help: "Sign-in name (letters, digits, . _ - @).") var username: String
        @Option(help: "Role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: String
        @Option(help: "Organization id (clinician, pharmacist, org-admin).") var organization: String?
        @Option(help: "Practitioner id (clinician, pharmacist).") var practitioner: String?
        @Option(help: "ИИН (citizen).") var iin: String?
        @Option(help: "Region name as in Patient.address.state, e.g. Алматы (epidemiologist, analyst).") var region: String?
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("Unknown role \(role); use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let password: String
            if passwordStdin {
                guard let line = readLine(strippingNewline: true) else { throw ValidationError("No password on standard input") }
                password = line
            } else if let env = ProcessInfo.processInfo.environment["DENSAULUQ_PASSWORD"] {
                password = env
            } else {
                throw ValidationError("Give the password on standard input with --password-stdin, or in $DENSAULUQ_PASSWORD")
            }
            try await withAccounts(db) { accounts in
                do {
                    let account = try await accounts.add(NewAccount(username: username, password: password, role: role, organization: organization,
                                                                    practitioner: practitioner, iin: iin, region: region))
                    print("Added \(account.username) (\(account.role.rawValue)), id \(account.id)")
                } catch let error as IdentityError {
                    throw CommandFailure(error.description)
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts.")
        @OptionGroup var db: DatabaseOptions

        func run() async throws {
            try await withAccounts(db) { accounts in
                let all = try await accounts.list()
                print(["user", "role", "organization", "iin", "region", "status"].joined(separator: "\t"))
                for a in all {
                    print([a.username, a.role.rawValue, a.organization ?? "-", a.iin ?? "-", a.region ?? "-", a.disabled ? "disabled" : "active"].joined(separator: "\t"))
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account and end its sessions.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "User name.") var username: String

        func run() async throws {
            try await withAccounts(db) { accounts in
                do { try await accounts.disable(username: username) } catch let error as IdentityError { throw CommandFailure(error.description) }
                print("Disabled \(username.lowercased())")
            }
        }
    }
}

/// Opens the database, runs `body` with its account store, and closes the database whatever happens.
func withAccounts(_ options: DatabaseOptions, _ body: (AccountStore) async throws -> Void) async throws {
    var logger = Logger(label: "densauluq.users")
    logger.logLevel = .warning
    let database = try await options.open(logger: logger)
    do { try await body(AccountStore(database: database)) } catch { await database.shutdown(); throw error }
    await database.shutdown()
}

/// A failure to report without the usage text (which `ValidationError` adds): the command was right, the data was not.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
