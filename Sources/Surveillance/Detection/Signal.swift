import SQLKit

/// One evaluated period of one disease in one region: what an algorithm expected, its upper bound, the score and
/// whether it raised an alarm — a row of `surveillance_signals`.
public struct Signal: Sendable, Equatable {
    /// ICD-10 category.
    public var disease: String
    /// Region KATO.
    public var region: String
    public var algorithm: SignalAlgorithm
    /// `2026-W48` for weekly algorithms, `2026-11-23` for daily ones.
    public var period: String
    public var observed: Int
    /// nil where the algorithm gives none (R's NA: too few cases for Farrington's `limit54` rule, no model fit, a
    /// constant EARS baseline).
    public var expected: Double?
    public var upperbound: Double?
    public var score: Double?
    public var alarm: Bool
    /// The Task raised for the alarm (shared by the alarms of one disease and region while it is open).
    public var task: String?
    /// When it was computed (instant).
    public var computed: String

    static let columns = "disease, region, algorithm, period, observed, expected, upperbound, score, alarm, task, computed"

    init(disease: String, region: String, algorithm: SignalAlgorithm, period: String, observed: Int, expected: Double?,
         upperbound: Double?, score: Double?, alarm: Bool, task: String? = nil, computed: String) {
        self.disease = disease; self.region = region; self.algorithm = algorithm; self.period = period; self.observed = observed
        self.expected = expected.flatMap { $0.isFinite ? $0 : nil }
        self.upperbound = upperbound.flatMap { $0.isFinite ? $0 : nil }
        self.score = score.flatMap { $0.isFinite ? $0 : nil }
        self.alarm = alarm; self.task = task; self.computed = computed
    }

    init(row: any SQLRow) throws {
        disease = try row.decode(column: "disease", as: String.self)
        region = try row.decode(column: "region", as: String.self)
        let name = try row.decode(column: "algorithm", as: String.self)
        guard let algorithm = SignalAlgorithm(rawValue: name) else {
            throw SurveillanceDataError.unknownAlgorithm(name)
        }
        self.algorithm = algorithm
        period = try row.decode(column: "period", as: String.self)
        observed = try row.decode(column: "observed", as: Int.self)
        expected = try row.decode(column: "expected", as: Double?.self)
        upperbound = try row.decode(column: "upperbound", as: Double?.self)
        score = try row.decode(column: "score", as: Double?.self)
        alarm = try row.decode(column: "alarm", as: Int.self) != 0
        task = try row.decode(column: "task", as: String?.self)
        computed = try row.decode(column: "computed", as: String.self)
    }

    /// Inserts the signal or replaces the computed values of the same disease, region, algorithm and period; a task
    /// already raised for it stays.
    func upsert(_ db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO surveillance_signals (\(unsafeRaw: Self.columns)) VALUES (\(bind: disease), \(bind: region), \(bind: algorithm.rawValue),
              \(bind: period), \(bind: observed), \(bind: expected), \(bind: upperbound), \(bind: score), \(bind: alarm ? 1 : 0), \(bind: task),
              \(bind: computed))
            ON CONFLICT (disease, region, algorithm, period) DO UPDATE SET observed = excluded.observed, expected = excluded.expected,
              upperbound = excluded.upperbound, score = excluded.score, alarm = excluded.alarm, computed = excluded.computed
            """).run()
    }
}

/// A row of the surveillance tables that this version cannot read (written by a newer one).
public enum SurveillanceDataError: Error, Sendable, CustomStringConvertible {
    case unknownAlgorithm(String)

    public var description: String {
        switch self {
        case .unknownAlgorithm(let name): "surveillance_signals holds an unknown algorithm '\(name)'"
        }
    }
}
