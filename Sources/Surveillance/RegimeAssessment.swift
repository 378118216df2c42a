import FHIRStore
import KazakhstanRegions
import PandemicRegime
import SQLKit

/// The restriction rule of the pandemic plan (seed 000, 7.1) applied to every region on a day: R from the daily
/// cases of the disease by onset (Cori et al. 2013, the last weekly window), ПЗК from the bed reports, and the
/// decision of `RegimeRule`.
public struct RegimeAssessment: Sendable {
    public let repository: Repository
    /// ICD-10 category of the disease (COVID-19: U07).
    public var disease: String
    public var estimator: ReproductionNumber
    /// Days of cases the estimate looks back over (the serial interval's tail must fit).
    public var history: Int

    public init(repository: Repository, disease: String = "U07", estimator: ReproductionNumber = ReproductionNumber(), history: Int = 42) {
        self.repository = repository
        self.disease = disease
        self.estimator = estimator
        self.history = history
    }

    /// One region's assessment.
    public struct Region: Sendable, Equatable {
        public var region: String
        public var name: String
        /// Cases in the last window, and R's posterior (nil when there were too few cases to tell).
        public var cases: Int
        public var r: ReproductionNumber.Estimate?
        public var occupied: Int?
        public var deployed: Int?
        public var occupancy: Double?
        public var decision: RegimeRule.Decision
        public var clause: RegimeRule.Clause
    }

    /// Every region on `day` (a date; cases with onset up to and including it).
    public func assess(on day: String) async throws -> [Region] {
        guard let end = CaseCalendar.dayNumber(day) else { throw FHIRError(400, "invalid", "'\(day)' is not a date", expression: "date") }
        let start = end - history + 1
        let rows = try await repository.database.read { db in
            try await db.raw("""
                SELECT region, onset, COUNT(*) AS n FROM surveillance_cases WHERE disease = \(bind: disease) AND status <> 'discarded'
                  AND onset >= \(bind: CaseCalendar.date(start)) AND onset <= \(bind: day) GROUP BY region, onset
                """).all()
        }
        var series: [String: [Int]] = [:]
        for row in rows {
            let region = try row.decode(column: "region", as: String.self)
            guard let d = CaseCalendar.dayNumber(try row.decode(column: "onset", as: String.self)) else { continue }
            series[region, default: Array(repeating: 0, count: history)][d - start] += try row.decode(column: "n", as: Int.self)
        }
        let beds = try await BedReports(repository: repository).occupancy(on: day)
        return Regions.all.map { region in
            let cases = series[region.kato] ?? Array(repeating: 0, count: history)
            let last = estimator.estimates(dailyCases: cases).last ?? nil
            let usable = last.flatMap { $0.uncertain ? nil : $0 }
            let bed = beds[region.kato]
            let occupancy = bed.flatMap { RegimeRule.occupancy(occupied: $0.occupied, deployed: $0.deployed) }
            let (decision, clause) = RegimeRule.decide(r: usable?.mean, occupancy: occupancy)
            return Region(region: region.kato, name: region.nameRu, cases: last?.cases ?? cases.suffix(estimator.window).reduce(0, +),
                          r: usable, occupied: bed?.occupied, deployed: bed?.deployed, occupancy: occupancy, decision: decision, clause: clause)
        }
    }
}
