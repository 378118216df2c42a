import ArgumentParser
import FHIRJSON
import FHIRStore
import Foundation
import Identity
import Logging
import OutbreakDetection
import StatePlans
import StrategyMonitoring
import Surveillance
import SyntheticKazakhstan

/// `densauluq demo`: loads a synthetic Kazakhstan.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a deterministic synthetic Kazakhstan (organisations, catchment areas, people, attachments, visits) and demo accounts.",
        discussion: "--scale 1.0 is the whole country (20 million people); 0.0001 (2,000 people) loads in seconds.")

    @OptionGroup var db: DatabaseOptions
    @Option(help: "Share of the real country: 1.0 = 20 million people.") var scale = DemoSetup.smallScale
    @Option(help: "Random seed; the same scale and seed give the same data.") var seed: UInt64 = 1
    @Flag(help: "Leave everyone unattached (for 'densauluq attach auto').") var unattached = false

    func run() async throws {
        var logger = Logger(label: "densauluq")
        logger.logLevel = .warning
        let database = try await db.open(logger: logger)
        do {
            try await DemoSetup.load(database: database, scale: scale, seed: seed, logger: logger, force: true, attached: !unattached)
            await database.shutdown()
        } catch {
            await database.shutdown()
            throw error
        }
    }
}

/// Loading the demo and creating its accounts; shared by `demo` and `serve --demo`.
enum DemoSetup {
    /// What `serve --demo` loads: 2,000 people, loaded in seconds.
    static let smallScale = 0.0001
    /// The password of every demo account (the demo is for trying the system out, never for real data).
    static let password = "demo-password-2026"

    static func load(database: Database, scale: Double, seed: UInt64, logger: Logger, force: Bool, attached: Bool = true) async throws {
        let repository = Repository(database: database, logger: logger)
        let loader = DemoLoader(repository: repository)
        var country = DemoCountry(scale: scale, seed: seed)
        country.attached = attached
        if !force, let existing = try await loader.recorded() {
            print("Demo data present (\(existing)).")
        } else {
            print("Loading a synthetic Kazakhstan: \(country.plan.people) people, \(country.plan.primaryCareOrganizations) primary-care organisations, \(country.plan.catchmentAreas) catchment areas…")
            let summary = try await loader.load(country) { n in
                if n % 5_000 < 500 { FileHandle.standardError.write(Data("\r  \(n) resources".utf8)) }
            }
            FileHandle.standardError.write(Data("\n".utf8))
            print(String(format: "Loaded %d resources in %.1f s (%.0f/s).", summary.resources, summary.seconds, Double(summary.resources) / max(summary.seconds, 0.001)))
            // Notifiable cases with injected outbreaks; the outbreak scan over the last year as the hourly run would
            // have done it (past alarms raise no task), then today's scan, so that the epidemiologist's dashboard has
            // a current alarm with a year of thresholds on its charts.
            let today = Instant.now().dateInKazakhstan
            let cases = try await DemoSurveillance(repository: repository, seed: seed).load(today: today)
            let scan = OutbreakScan(repository: repository)
            if let end = CaseCalendar.dayNumber(today) {
                _ = try await scan.backfill(from: CaseCalendar.date(end - 371), to: CaseCalendar.date(end - 1))
            }
            let current = try await scan.run(on: today)
            var scores: [SignalAlgorithm: DetectionPerformance] = [:]
            if let end = CaseCalendar.dayNumber(today) {
                let known = cases.outbreaks.map { SignalEvaluation.KnownOutbreak(disease: $0.disease, region: $0.region, start: $0.start, days: $0.days, cases: $0.cases) }
                scores = try await SignalEvaluation(repository: repository).evaluate(known, from: CaseCalendar.date(end - 371), to: CaseCalendar.date(end - 1))
            }
            print("Notified \(cases.notifications) cases of infectious diseases in Almaty with \(cases.outbreaks.count) injected outbreaks ("
                  + cases.outbreaks.map { "\($0.disease) from \($0.start), +\($0.cases)" }.joined(separator: "; ")
                  + "); outbreak scan of \(current.week): \(current.alarms) alarm(s), \(current.tasksCreated) task(s).")
            try await plans(database: database, repository: repository, seed: seed)
            for algorithm in SignalAlgorithm.allCases {
                guard let p = scores[algorithm] else { continue }
                print("  \(algorithm.rawValue): injected outbreaks found \(p.detection.successes)/\(p.detection.trials), median delay "
                      + (p.medianDelay.map { String(format: "%.1f", $0) } ?? "–") + " \(algorithm.isWeekly ? "weeks" : "days"), false alarms "
                      + "\(p.falseAlarms) of \(p.nonOutbreakPeriods) disease-\(algorithm.isWeekly ? "weeks" : "days") without an outbreak in the last year")
            }
        }
        try await accounts(database: database)
    }

    /// The strategy monitoring's demo reports and facts, and this year's computed indicators.
    static func plans(database: Database, repository: Repository, seed: UInt64) async throws {
        let library = try PlanLibrary.shipped()
        guard let today = Day(Instant.now().dateInKazakhstan) else { return }
        let loaded = try await DemoPlans(database: database, plans: library, seed: seed).load(today: today)
        _ = try await LiveIndicators(repository: repository).publish(year: today.year, plans: library)
        print("State plans: \(loaded.reports) progress reports of \(DemoPlans.executor), \(loaded.facts) indicator facts; this year's computed indicators published.")
    }

    /// One account per role, tied to the demo's first organisation, doctor, pharmacy and a mother of a minor.
    static func accounts(database: Database) async throws {
        let store = AccountStore(database: database)
        let motherIIN = try await database.read { db in
            try await db.raw("SELECT content FROM resources WHERE res_type = 'RelatedPerson' AND deleted = 0 AND res_id LIKE 'kz-rp-%' ORDER BY seq LIMIT 1").all()
                .first.map { try $0.decode(column: "content", as: String.self) }
        }.flatMap { text in (try? JSONParser.parse(text))?["identifier"]?[0]?["value"]?.stringValue }
        let wanted: [(String, Role, String?, String?, String?, String?, String)] = [
            ("demo.citizen", .citizen, nil, nil, motherIIN, nil, "a mother: her record and her child's"),
            ("demo.doctor", .clinician, "kz-phc-1", "kz-pr-1", nil, nil, "district doctor of area 1 at kz-phc-1"),
            ("demo.pharmacist", .pharmacist, "kz-ph-1", nil, nil, nil, "pharmacy kz-ph-1"),
            ("demo.epidemiologist", .epidemiologist, nil, nil, nil, "Алматы", "notifiable cases of Almaty"),
            ("demo.analyst", .analyst, nil, nil, nil, nil, "indicators only"),
            ("demo.orgadmin", .organizationAdmin, "kz-phc-1", nil, nil, nil, "administrator of kz-phc-1"),
            ("demo.executor", .planExecutor, DemoPlans.executor, nil, nil, nil, "the Ministry of Health reporting on the state plans"),
            ("demo.admin", .systemAdmin, nil, nil, nil, nil, "everything"),
        ]
        print("Demo accounts (password \(password)):")
        for (username, role, org, practitioner, iin, region, what) in wanted {
            if try await store.find(username: username) == nil {
                if role == .citizen && iin == nil { continue }
                _ = try await store.add(NewAccount(username: username, password: password, role: role, organization: org,
                                                   practitioner: practitioner, iin: iin, region: region))
            }
            print("  \(username.padding(toLength: 20, withPad: " ", startingAt: 0)) \(role.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(what)")
        }
    }
}
