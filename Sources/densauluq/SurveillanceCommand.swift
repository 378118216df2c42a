import ArgumentParser
import FHIRStore
import Foundation
import Logging
import OutbreakDetection
import Surveillance

/// `densauluq surveillance …`: the surveillance computations from the command line.
struct SurveillanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "surveillance", abstract: "Infectious-disease surveillance.",
                                                    subcommands: [Detect.self, Scan.self, Regime.self])

    /// `densauluq surveillance regime [--date D] [--disease U07]`: the pandemic plan's restriction rule per region as CSV.
    struct Regime: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The restriction rule of the pandemic plan (seed 000, 7.1) for every region, as CSV.",
            discussion: "R by Cori et al. (2013) over the last week of cases by onset (serial interval 4.7 ± 2.9 days); bed occupancy from each hospital's latest report of the last 7 days. See docs/surveillance.md for how the rule's gaps are decided.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The day assessed (YYYY-MM-DD; default today in Kazakhstan).") var date: String?
        @Option(help: "ICD-10 category of the disease.") var disease = "U07"

        func run() async throws {
            var logger = Logger(label: "densauluq.surveillance")
            logger.logLevel = .warning
            let database = try await db.open(logger: logger)
            do {
                let day = date ?? Instant.now().dateInKazakhstan
                let regions = try await RegimeAssessment(repository: Repository(database: database, logger: logger), disease: disease.uppercased()).assess(on: day)
                await database.shutdown()
                print("region,name,cases_last_week,r,r_lower,r_upper,occupied,deployed,occupancy_percent,decision,clause")
                for r in regions {
                    let fields: [String] = [r.region, r.name, String(r.cases), r.r.map { String(format: "%.3f", $0.mean) } ?? "",
                                            r.r.map { String(format: "%.3f", $0.lower) } ?? "", r.r.map { String(format: "%.3f", $0.upper) } ?? "",
                                            r.occupied.map(String.init) ?? "", r.deployed.map(String.init) ?? "",
                                            r.occupancy.map { String(format: "%.1f", $0) } ?? "", r.decision.rawValue, r.clause.rawValue]
                    print(fields.joined(separator: ","))
                }
            } catch {
                await database.shutdown()
                throw error
            }
        }
    }

    /// `densauluq surveillance scan [--date D]`: the scheduled outbreak detection, now.
    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run outbreak detection on the journal now: Farrington flexible (Noufaily settings) on the last complete ISO week and EARS C1-C3 on the last complete day, for every disease and region with cases; store the signals and raise a Task for each new alarm.",
            discussion: "`densauluq serve` runs the same every hour. Running it again for the same day recomputes the same periods and raises no second task.")
        @OptionGroup var db: DatabaseOptions
        @Option(help: "The scan's day (YYYY-MM-DD; default today in Kazakhstan): the week and day that ended before it are evaluated.") var date: String?
        @Option(help: "First, compute the signals every day from this date to the day before the scan's would have given (after loading history); past alarms raise no task.") var from: String?

        func run() async throws {
            var logger = Logger(label: "densauluq.surveillance")
            logger.logLevel = .warning
            let database = try await db.open(logger: logger)
            let summary: OutbreakScan.Summary
            do {
                let scan = OutbreakScan(repository: Repository(database: database, logger: logger))
                let day = date ?? Instant.now().dateInKazakhstan
                if let from, let end = CaseCalendar.dayNumber(day) {
                    let past = try await scan.backfill(from: from, to: CaseCalendar.date(end - 1))
                    print("backfilled \(past.count) days: \(past.reduce(0) { $0 + $1.signals }) signals, \(past.reduce(0) { $0 + $1.alarms }) alarms")
                }
                summary = try await scan.run(on: day)
                await database.shutdown()
            } catch {
                await database.shutdown()
                throw error
            }
            print("week \(summary.week) (Farrington flexible, \(summary.farringtonYears) year(s) of history): \(summary.weeklySeries) series")
            print("day \(summary.day) (EARS C1-C3): \(summary.dailySeries) series")
            print("\(summary.signals) signals, \(summary.alarms) alarms; tasks: \(summary.tasksCreated) created, \(summary.tasksUpdated) updated")
            for failure in summary.failures { print("not evaluated: \(failure)") }
        }
    }

    /// `densauluq surveillance detect --algorithm A series.csv`: any series through the detection algorithms.
    struct Detect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run an outbreak-detection algorithm over a series (CSV: date,count[,population]) and print, per time point, the expected count, upper bound, score and alarm as CSV.",
            discussion: "The same algorithms and numbers as R's surveillance 1.20.3 (earsC, algo.farrington, farringtonFlexible); see docs/outbreak-detection.md. Time points the algorithm cannot evaluate (too little history) are printed with empty fields.")
        enum Algorithm: String, ExpressibleByArgument, CaseIterable {
            case earsC1 = "ears-c1", earsC2 = "ears-c2", earsC3 = "ears-c3", farrington, farringtonFlexible = "farrington-flexible"
        }
        enum Settings: String, ExpressibleByArgument, CaseIterable { case original, noufaily }

        @Option(help: "ears-c1, ears-c2, ears-c3, farrington or farrington-flexible.") var algorithm: Algorithm
        @Option(help: "Significance level (default: R's for the algorithm).") var alpha: Double?
        @Option(help: "EARS: days of baseline.") var baseline = 7
        @Option(help: "Farrington: years back.") var b = 5
        @Option(help: "Farrington: half-window in periods.") var w = 3
        @Option(help: "Periods per year (52 weekly, 365 daily).") var frequency = 52
        @Option(help: "farrington-flexible: original (Farrington 1996) or noufaily (Noufaily et al. 2013).") var settings: Settings = .original
        @Option(help: "farrington-flexible threshold: delta, nbPlugin or muan (default: delta for original, nbPlugin for noufaily).") var threshold: String?
        @Flag(help: "farrington-flexible: use the population column as an offset.") var populationOffset = false
        @Argument(help: "CSV file with a header: date,count[,population].") var series: String

        func run() throws {
            let (dates, counts, population) = try Self.read(series)
            let input: CountSeries
            do { input = try CountSeries(counts: counts, population: population, frequency: frequency) } catch { throw ValidationError(error.description) }
            // Per evaluated index: expected, upper bound, score, alarm.
            var rows: [Int: (Double?, Double?, Double?, Bool?)] = [:]
            do {
                switch algorithm {
                case .earsC1, .earsC2, .earsC3:
                    let method: EARSMethod = algorithm == .earsC1 ? .c1 : algorithm == .earsC2 ? .c2 : .c3
                    for p in try EARS.detect(input, options: EARSOptions(method: method, baseline: baseline, alpha: alpha)).points {
                        rows[p.index] = (p.expected, p.upperbound, p.score, p.alarm)
                    }
                case .farrington:
                    for p in try Farrington.detect(input, options: FarringtonOptions(b: b, w: w, alpha: alpha ?? 0.05)).points {
                        rows[p.index] = (p.expected, p.upperbound, p.score, p.alarm)
                    }
                case .farringtonFlexible:
                    var options = settings == .original ? FarringtonFlexibleOptions.original : FarringtonFlexibleOptions.noufaily()
                    if let threshold {
                        guard let method = ThresholdMethod(rawValue: threshold) else { throw ValidationError("--threshold must be delta, nbPlugin or muan, not \(threshold)") }
                        options.thresholdMethod = method
                    }
                    options.b = b
                    options.w = w
                    if let alpha { options.alpha = alpha }
                    options.populationOffset = populationOffset
                    for p in try FarringtonFlexible.detect(input, options: options).points {
                        rows[p.index] = (p.expected, p.upperbound, p.score, p.alarm)
                    }
                }
            } catch let error as OutbreakDetectionError {
                throw ValidationError(error.description)
            }
            func f(_ x: Double?) -> String { x.map { String(format: "%.6f", $0) } ?? "" }
            print("date,observed,expected,upperbound,score,alarm")
            for (i, d) in dates.enumerated() {
                let r = rows[i]
                print([d, String(counts[i]), f(r?.0), f(r?.1), f(r?.2), r?.3.map { $0 ? "1" : "0" } ?? ""].joined(separator: ","))
            }
        }

        /// Reads `date,count[,population]` with a header line; every bad line is named.
        static func read(_ path: String) throws -> ([String], [Int], [Double]?) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ValidationError("Cannot read \(path)") }
            var dates: [String] = [], counts: [Int] = [], population: [Double] = []
            var problems: [String] = []
            for (n, line) in text.split(whereSeparator: \.isNewline).enumerated() where n > 0 && !line.trimmingCharacters(in: .whitespaces).isEmpty {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                guard fields.count >= 2, let count = Int(fields[1]), count >= 0 else { problems.append("line \(n + 1): expected date,count with a count ≥ 0: '\(line)'"); continue }
                dates.append(fields[0])
                counts.append(count)
                if fields.count >= 3 {
                    if let p = Double(fields[2]), p > 0 { population.append(p) } else { problems.append("line \(n + 1): population '\(fields[2])' is not a positive number") }
                }
            }
            if !problems.isEmpty { throw ValidationError(problems.prefix(20).joined(separator: "\n")) }
            if counts.isEmpty { throw ValidationError("\(path) has no data lines (date,count)") }
            if !population.isEmpty && population.count != counts.count { throw ValidationError("Every line needs a population, or none") }
            return (dates, counts, population.isEmpty ? nil : population)
        }
    }
}
