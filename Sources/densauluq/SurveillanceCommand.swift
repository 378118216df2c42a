import ArgumentParser
import FHIRStore
import Foundation
import Logging
import Surveillance

/// `densauluq surveillance …`: the surveillance computations from the command line.
struct SurveillanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "surveillance", abstract: "Infectious-disease surveillance.",
                                                    subcommands: [Regime.self])

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
                let day = date ?? String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(5 * 3600)).prefix(10))
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
}
