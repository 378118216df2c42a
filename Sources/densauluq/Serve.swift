import ArgumentParser
import Audit
import FHIRServer
import PrimaryCare
import PrimaryCareAPI
import Surveillance
import SurveillanceAPI
import WebApp
import FHIRStore
import Foundation
import Hummingbird
import Identity
import IdentityAPI
import Logging

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (FHIR API under /fhir).")

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Public base URL of the FHIR API, when behind a proxy (default: from the Host header).") var baseURL: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel = "info"
    @Flag(help: "Serve the FHIR API without a bearer token (development only; requests are still audited as anonymous).")
    var allowAnonymous = false
    @Flag(help: "Load a small synthetic Kazakhstan and demo accounts for every role first (once; see `densauluq demo`).")
    var demo = false
    @Flag(help: "Record no audit trail. Only with --allow-anonymous: for measuring what access checks and audit cost.")
    var noAudit = false
    @Option(help: "Requests per second each caller (access token, else address) may make on average; twice as many at once; 0 turns limiting off.")
    var rateLimit: Double = 100

    func run() async throws {
        LoggingSystem.bootstrap { label in DeferredMetadataLogHandler(label: label) }
        var logger = Logger(label: "densauluq")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        let database = try await db.open(logger: logger)
        logger.info("database ready", metadata: ["database": "\(db.configuration)"])
        if demo { try await DemoSetup.load(database: database, scale: DemoSetup.smallScale, seed: 1, logger: logger, force: false) }
        let repository = Repository(database: database, logger: logger)
        let tokens = try await TokenService.make(accounts: AccountStore(database: database))
        if noAudit && !allowAnonymous { throw CommandFailure("--no-audit is only for measurements and needs --allow-anonymous") }
        let audit: AuditLog? = noAudit ? nil : AuditLog(database: database, logger: logger)
        let serverBase = baseURL.map { url in url.hasSuffix("/fhir") ? String(url.dropLast(5)) : url }
        let web: WebApp
        do { web = try await WebApp.load(repository: repository, tokens: tokens, audit: audit) } catch {
            await database.shutdown()
            throw error
        }
        let app = ServerApplication.make(repository: repository, host: host, port: port, logger: logger, publicBaseURL: baseURL,
                                         tokens: tokens, audit: audit, requireAuthentication: !allowAnonymous,
                                         rateLimiter: RateLimiter(rate: rateLimit),
                                         operations: PrimaryCareOperations.all(repository: repository) + SurveillanceOperations.all(repository: repository)) { router in
            AuthAPI(tokens: tokens, publicBaseURL: serverBase).addRoutes(to: router)
            web.addRoutes(to: router)
        }
        if allowAnonymous { logger.warning("the FHIR API accepts requests without a token (--allow-anonymous)") }
        print("Densauluq listening on http://\(host):\(port) — web application at http://\(host):\(port)/, FHIR API at http://\(host):\(port)/fhir")
        // Into a pipe or a log file too, the demo accounts and the address must show now, not at exit.
        fflush(nil)
        // Reminders before visits: every five minutes, each sent once (see ReminderService).
        let reminders = ReminderService(repository: repository)
        let reminderJob = Task {
            while !Task.isCancelled {
                do { try await reminders.sendDue() } catch { logger.error("reminders failed", metadata: ["error": "\(error)"]) }
                try? await Task.sleep(for: .seconds(300))
            }
        }
        // Outbreak detection every hour: the last complete week and day, alarms as Tasks (see OutbreakScan).
        let scan = OutbreakScan(repository: repository)
        let scanJob = Task {
            while !Task.isCancelled {
                do {
                    let s = try await scan.run()
                    if s.alarms > 0 { logger.notice("outbreak scan", metadata: ["week": "\(s.week)", "day": "\(s.day)", "alarms": "\(s.alarms)", "tasks created": "\(s.tasksCreated)"]) }
                } catch { logger.error("outbreak scan failed", metadata: ["error": "\(error)"]) }
                try? await Task.sleep(for: .seconds(3600))
            }
        }
        try await app.runService()
        reminderJob.cancel()
        scanJob.cancel()
        do { try await audit?.shutdown() } catch { logger.error("audit entries could not be written at shutdown", metadata: ["error": "\(error)"]) }
        await database.shutdown()
    }
}
