@testable import FHIRStore
import Foundation
import DatabaseTesting
import Testing

/// PostgreSQL URLs: PostgresKit's forms, libpq's Unix socket form, and errors that say what to write instead.
@Suite struct PostgresURLTests {
    @Test func tcpURLKeepsHostPortAndDatabase() throws {
        let config = try PostgresURL.configuration("postgres://app:secret@db.example.kz:6543/densauluq")
        #expect(config.coreConfiguration.host == "db.example.kz")
        #expect(config.coreConfiguration.port == 6543)
        #expect(config.coreConfiguration.unixSocketPath == nil)
        #expect(config.coreConfiguration.username == "app")
        #expect(config.coreConfiguration.password == "secret")
        #expect(config.coreConfiguration.database == "densauluq")
    }

    @Test func libpqHostDirectoryIsAUnixSocket() throws {
        let config = try PostgresURL.configuration("postgresql://app@/densauluq?host=/run/postgresql/&port=5433")
        #expect(config.coreConfiguration.unixSocketPath == "/run/postgresql/.s.PGSQL.5433")
        #expect(config.coreConfiguration.host == nil)
        #expect(config.coreConfiguration.database == "densauluq")
        // No port: PostgreSQL's; the database may also be named by dbname=.
        let plain = try PostgresURL.configuration("postgres://app@localhost?host=/tmp&dbname=registry")
        #expect(plain.coreConfiguration.unixSocketPath == "/tmp/.s.PGSQL.5432")
        #expect(plain.coreConfiguration.database == "registry")
    }

    @Test func postgresKitSocketForm() throws {
        let config = try PostgresURL.configuration("postgres+uds://app@localhost/run/postgresql/.s.PGSQL.5432#densauluq")
        #expect(config.coreConfiguration.unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(config.coreConfiguration.database == "densauluq")
        #expect(DatabaseConfiguration(url: "postgres+uds://app@localhost/run/postgresql/.s.PGSQL.5432#densauluq")
                == .postgres(url: "postgres+uds://app@localhost/run/postgresql/.s.PGSQL.5432#densauluq"))
    }

    @Test(arguments: [
        ("postgres://db.example.kz/densauluq", "names no user"),
        ("postgres://app@/densauluq", "names no host"),
        ("postgres://app@/densauluq?host=/tmp&port=x", "port=x is not a number"),
        ("postgres://app@db.example.kz/densauluq?sslmode=sometimes", "TLS mode"),
        ("postgres+uds://app@localhost:5432/tmp/.s.PGSQL.5432", "socket's path and no port"),
    ])
    func unusableURLsSayWhy(url: String, problem: String) {
        do {
            _ = try PostgresURL.configuration(url)
            Issue.record("\(url) was accepted")
        } catch {
            #expect(error.problem.contains(problem))
            #expect(error.description.contains("?host=/run/postgresql"), "the error lists the forms that work")
        }
    }

    @Test func passwordsStayOutOfTheError() {
        do {
            _ = try PostgresURL.configuration("postgres://app:hunter2@/densauluq")
            Issue.record("a URL without a host was accepted")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }

    /// The test cluster of `scripts/test` listens on a socket in `DENSAULUQ_TEST_POSTGRES_SOCKET_DIR`: the store
    /// works over it as over TCP.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["DENSAULUQ_TEST_POSTGRES_SOCKET_DIR"] != nil && TestDatabase.postgresURL != nil))
    func storeWorksOverAUnixSocket() async throws {
        let directory = try #require(ProcessInfo.processInfo.environment["DENSAULUQ_TEST_POSTGRES_SOCKET_DIR"])
        let port = try #require(URLComponents(string: TestDatabase.postgresURL ?? "")?.port)
        let db = try Database(DatabaseConfiguration(url: "postgres://postgres@/postgres?host=\(directory)&port=\(port)"), maxConnections: 1)
        do {
            let rows = try await db.read { db in try await db.raw("SELECT inet_server_addr() IS NULL AS local").all() }
            // inet_server_addr() is NULL only on a Unix-socket connection.
            #expect(try rows.first?.decode(column: "local", as: Bool.self) == true)
        } catch {
            await db.shutdown()
            throw error
        }
        await db.shutdown()
    }

    /// A wrong database name or a server that is not there is named as such, not as PostgresNIO's generic
    /// "PSQLError – Generic description".
    @Test(.enabled(if: TestDatabase.postgresURL != nil))
    func connectionErrorsSayWhatIsWrong() async throws {
        var missing = try #require(URLComponents(string: TestDatabase.postgresURL ?? ""))
        missing.path = "/no_such_registry"
        missing.password = "not-shown"
        let wrongName = try #require(missing.string)
        missing.path = "/postgres"
        missing.port = 1   // nothing listens on port 1
        let nobody = try #require(missing.string)
        for (url, reason) in [(wrongName, #"database "no_such_registry" does not exist"#), (nobody, "refused")] {
            let db = try Database(DatabaseConfiguration(url: url), maxConnections: 1)
            do {
                _ = try await db.read { db in try await db.raw("SELECT 1 AS one").all() }
                Issue.record("\(url) connected")
            } catch let error as DatabaseConnectionError {
                #expect(error.description.contains(reason), "\(error)")
                #expect(!error.description.contains("not-shown"))
            } catch {
                Issue.record("\(url): \(error) is not a DatabaseConnectionError")
            }
            await db.shutdown()
        }
    }
}
