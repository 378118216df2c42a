import FHIRStore
import SQLKit

/// Reading the outbreak-detection results: the signals and alarms per region, and the case series behind a signal,
/// for the epidemiologist's dashboard and the API. Signals carry counts only, no person.
public struct SignalJournal: Sendable {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    public struct Filter: Sendable, Equatable {
        public var region: String?
        public var disease: String?
        public var algorithm: SignalAlgorithm?
        public var alarmsOnly: Bool
        /// Signals computed from this period label on (`2026-W40` or a date; compared as text within one algorithm kind).
        public var since: String?

        public init(region: String? = nil, disease: String? = nil, algorithm: SignalAlgorithm? = nil, alarmsOnly: Bool = false, since: String? = nil) {
            self.region = region; self.disease = disease; self.algorithm = algorithm; self.alarmsOnly = alarmsOnly; self.since = since
        }
    }

    /// Signals, newest period first.
    public func signals(_ filter: Filter, limit: Int = 500) async throws -> [Signal] {
        var parts: [SQLQueryString] = ["1 = 1"]
        if let region = filter.region { parts.append("region = \(bind: region)") }
        if let disease = filter.disease { parts.append("disease = \(bind: disease)") }
        if let algorithm = filter.algorithm { parts.append("algorithm = \(bind: algorithm.rawValue)") }
        if filter.alarmsOnly { parts.append("alarm = 1") }
        if let since = filter.since { parts.append("period >= \(bind: since)") }
        let condition = parts.joined(separator: " AND ")
        return try await repository.database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Signal.columns) FROM surveillance_signals WHERE " + condition
                             + " ORDER BY computed DESC, period DESC, disease, region, algorithm LIMIT \(literal: max(1, min(limit, 10_000)))")
                .all().map(Signal.init(row:))
        }
    }

    /// One week of a disease's series in a region, with the Farrington result where one was computed.
    public struct WeekPoint: Sendable, Equatable {
        /// `2026-W48`.
        public var week: String
        public var cases: Int
        public var expected: Double?
        public var upperbound: Double?
        public var alarm: Bool
    }

    /// The last `weeks` ISO weeks up to the one containing `day`: cases by date of diagnosis and the weekly signals.
    public func weeklySeries(disease: String, region: String, weeks: Int = 52, until day: String) async throws -> [WeekPoint] {
        guard let end = CaseCalendar.dayNumber(day) else { throw FHIRError(400, "invalid", "'\(day)' is not a date", expression: "date") }
        let weeks = max(1, min(weeks, 520))
        let lastMonday = end - ((end + 3) % 7 + 7) % 7
        let start = lastMonday - 7 * (weeks - 1)
        let (series, signals) = try await repository.database.read { db -> (CaseSeries, [Signal]) in
            let series = try await CaseSeries.read(db, start: start, step: 7, length: weeks)
            let signals = try await db.raw("""
                SELECT \(unsafeRaw: Signal.columns) FROM surveillance_signals WHERE disease = \(bind: disease) AND region = \(bind: region)
                  AND algorithm = \(bind: SignalAlgorithm.farringtonFlexible.rawValue)
                """).all().map(Signal.init(row:))
            return (series, signals)
        }
        let counts = series.counts[CaseSeries.Key(disease: disease, region: region)] ?? Array(repeating: 0, count: weeks)
        let byWeek = Dictionary(signals.map { ($0.period, $0) }, uniquingKeysWith: { a, _ in a })
        return (0..<weeks).map { i in
            let label = series.label(i)
            let signal = byWeek[label]
            return WeekPoint(week: label, cases: counts[i], expected: signal?.expected, upperbound: signal?.upperbound, alarm: signal?.alarm ?? false)
        }
    }
}
