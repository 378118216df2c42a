import ArgumentParser
import FHIRStore
import Foundation
import StatePlans
import StrategyMonitoring

/// `densauluq plans …`: the state plans of the seeds as data — what they hold, the discrepancies in their own
/// arithmetic, what the executors have to report and their reports.
struct PlansCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plans", abstract: "The state plans: contents, consistency, reporting.",
                                                    subcommands: [List.self, Check.self, Due.self, Report.self])

    /// Prints each refused field on standard error and ends with exit code 1 (not a usage error: the usage was right).
    static func refused(_ error: MonitoringError) -> ExitCode {
        for p in error.problems { FileHandle.standardError.write(Data("Refused: \(p.field): \(p.message)\n".utf8)) }
        return ExitCode(1)
    }

    static func library() throws -> PlanLibrary {
        do { return try PlanLibrary.shipped() } catch { throw ValidationError("The plans bundled with densauluq do not load: \(error)") }
    }

    /// `densauluq plans list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The plans: id, period, measures, indicators, reporting cycle.")
        func run() async throws {
            print("id\tperiod\tmeasures\tindicators\treports_per_year\ttitle")
            for plan in try PlansCommand.library().plans {
                let perYear = plan.reportsDue(in: plan.period.from + 1).count
                print([plan.id, "\(plan.period.from)-\(plan.period.to)", String(plan.measures.count), String(plan.indicators.count),
                       String(perYear), plan.title.en ?? plan.title.ru ?? ""].joined(separator: "\t"))
            }
        }
    }

    /// `densauluq plans check [ID]`.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The discrepancies in the plans' own arithmetic (years vs totals, items vs summaries, notes vs tables, numbering, directions).",
            discussion: "These are in the source documents; the transcription keeps both figures where they stand. See docs/plans/checks.md.")
        @Argument(help: "A plan id (default: all).") var plan: String?
        func run() async throws {
            let library = try PlansCommand.library()
            let plans = try plan.map { id in
                do { return [try library.plan(id)] } catch { throw ValidationError("\(error); plans: \(library.ids.joined(separator: ", "))") }
            } ?? library.plans
            var total = 0
            for plan in plans {
                for d in PlanChecks.run(plan) {
                    print("\(plan.id)\t\(d.location)\t\(d.message)")
                    total += 1
                }
            }
            FileHandle.standardError.write(Data("\(total) discrepancies in \(plans.count) plan(s)\n".utf8))
        }
    }

    /// `densauluq plans due ID [--executor E] [--date D]`.
    struct Due: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The executors' reports a plan requires up to the end of the year, with their state (submitted, due, overdue), as tab-separated lines.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The plan id.") var plan: String
        @Option(help: "Only this responsible body, as the plan names it (e.g. МЗ).") var executor: String?
        @Option(help: "The day the states are judged on (YYYY-MM-DD; default today in Kazakhstan).") var date: String?
        func run() async throws {
            let library = try PlansCommand.library()
            guard let today = Day(date ?? Instant.now().dateInKazakhstan) else { throw ValidationError("--date is YYYY-MM-DD") }
            let obligations = try await db.withDatabase { database, _ in
                try await ProgressReports(database: database, plans: library).obligations(plan: plan, executor: executor, today: today)
            }
            print("due\tperiod\texecutor\tmeasure\tstate\tstatus")
            for o in obligations {
                print([o.due.description, o.period.description, o.executor + (o.lead ? " (lead)" : ""), o.measure, o.state.rawValue,
                       o.report?.status.rawValue ?? ""].joined(separator: "\t"))
            }
            let overdue = obligations.filter { $0.state == .overdue }.count, sent = obligations.filter { $0.state == .submitted }.count
            FileHandle.standardError.write(Data("\(obligations.count) reports: \(sent) submitted, \(overdue) overdue\n".utf8))
        }
    }

    /// `densauluq plans report ID --measure K --period P --executor E --status S --text T`.
    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Submit (or revise) an executor's report on a measure for a reporting period.")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The plan id.") var plan: String
        @Option(help: "The measure's key (its number; section.number where numbering restarts per section).") var measure: String
        @Option(help: "The reporting period, YYYY-MM-DD/YYYY-MM-DD (see `plans due`).") var period: String
        @Option(help: "The responsible body, as the plan names it.") var executor: String
        @Option(help: "done, in-progress or not-done.") var status: String
        @Option(help: "What was done.") var text: String
        @Option(help: "A link to the evidence (an act, an order).") var evidence: String?
        @Option(help: "Who submits.") var user = ProcessInfo.processInfo.environment["USER"] ?? "cli"
        func run() async throws {
            guard let reportingPeriod = ReportingPeriod(period) else { throw ValidationError("--period is YYYY-MM-DD/YYYY-MM-DD") }
            guard let state = ProgressReports.Status(rawValue: status) else { throw ValidationError("--status is done, in-progress or not-done") }
            let library = try PlansCommand.library()
            do {
                let report = try await db.withDatabase { database, _ in
                    try await ProgressReports(database: database, plans: library).submit(plan: plan, measure: measure, period: reportingPeriod, executor: executor,
                                                                                         status: state, progress: text, evidence: evidence, by: user)
                }
                print("Report on measure \(report.measure) for \(report.period) by \(report.executor): revision \(report.revision).")
            } catch let error as MonitoringError {
                throw PlansCommand.refused(error)
            }
        }
    }
}
