import ArgumentParser
import FHIRStore
import Foundation
import StatePlans
import StrategyMonitoring

/// `densauluq indicators …`: the plans' target indicators, plan vs fact, facts entered with their source, and the
/// indicators computed from the platform's own data.
struct IndicatorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "indicators", abstract: "Target indicators: plan vs fact, facts, live computation.",
                                                    subcommands: [List.self, Enter.self, Compute.self])

    /// `densauluq indicators list PLAN`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Plan vs fact of a plan's indicators per year as CSV (achievement judged by the indicator's direction).")
        @OptionGroup var db: DatabaseOptions
        @Argument(help: "The plan id.") var plan: String
        @Option(help: "A region's KATO code (default: the country).") var region = ""
        func run() async throws {
            let library = try PlansCommand.library()
            let table = try await db.withDatabase { database, _ in try await IndicatorFacts(database: database, plans: library).table(plan: plan, region: region) }
            print("indicator,year,plan,fact,achieved,percent_of_plan,better,source,name")
            for (indicator, years) in table {
                for row in years {
                    let fields: [String] = [indicator.number, String(row.year), row.plan.map { "\($0)" } ?? "", row.fact.map { "\($0.value)" } ?? "",
                                            row.achievement.map { $0.achieved ? "yes" : "no" } ?? "",
                                            row.achievement?.percent.map { String(format: "%.1f", NSDecimalNumber(decimal: $0).doubleValue) } ?? "",
                                            indicator.better?.rawValue ?? "", row.fact?.source ?? "", indicator.en ?? indicator.ru]
                    print(fields.map(Self.csv).joined(separator: ","))
                }
            }
        }

        static func csv(_ field: String) -> String {
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }
    }

    /// `densauluq indicators enter PLAN INDICATOR YEAR VALUE --source S`.
    struct Enter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record an indicator's fact for a year, with where it comes from.")
        @OptionGroup var db: DatabaseOptions
        @Argument var plan: String
        @Argument var indicator: String
        @Argument var year: Int
        @Argument(help: "The value, with a point for decimals.") var value: String
        @Option(help: "Where the value comes from (a bulletin, a letter).") var source: String
        @Option(help: "A region's KATO code (default: the country).") var region = ""
        @Option(help: "Who enters it.") var user = ProcessInfo.processInfo.environment["USER"] ?? "cli"
        func run() async throws {
            guard let number = Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")) else { throw ValidationError("VALUE is a number like 78.5") }
            let library = try PlansCommand.library()
            do {
                let fact = try await db.withDatabase { database, _ in
                    try await IndicatorFacts(database: database, plans: library).enter(plan: plan, indicator: indicator, year: year, region: region,
                                                                                      value: number, source: source, by: user)
                }
                print("Indicator \(fact.indicator) of \(fact.plan), \(fact.year): \(fact.value) (\(fact.source)).")
            } catch let error as MonitoringError {
                throw PlansCommand.refused(error)
            }
        }
    }

    /// `densauluq indicators compute [--year Y] [--publish]`.
    struct Compute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compute the indicators the platform holds the data for (remote consultations, personal cabinet, data exchange, digital referrals, electronic notifications).",
            discussion: "With --publish, store them as MeasureReport/live-<code>-<year>. Formulas: docs/strategy-monitoring.md.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The year (default: this year).") var year = Int(Instant.now().dateInKazakhstan.prefix(4)) ?? 2026
        @Flag(help: "Store the results as MeasureReports.") var publish = false
        func run() async throws {
            let started = Date()
            let results = try await db.withDatabase { database, logger in
                let live = LiveIndicators(repository: Repository(database: database, logger: logger))
                let results = try await live.compute(year: year)
                if publish { _ = try await live.publish(year: year, results: results, plans: try PlanLibrary.shipped()) }
                return results
            }
            print("code,year,numerator,denominator,percent,plan_indicators")
            for r in results {
                let refs = LiveIndicators.definitions.first { $0.code == r.code }?.indicators.map { "\($0.plan)#\($0.indicator)" }.joined(separator: " ") ?? ""
                print([r.code, String(r.year), String(r.numerator), String(r.denominator), r.percent.map { String(format: "%.2f", $0) } ?? "", refs].joined(separator: ","))
            }
            FileHandle.standardError.write(Data(String(format: "computed in %.2f s\n", Date().timeIntervalSince(started)).utf8))
        }
    }
}
