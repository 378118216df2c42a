import FHIRStore
import OutbreakDetection
import SQLKit

/// Scores the stored signals against outbreaks known to be in the data — injected into the demo, or confirmed by
/// investigation — with `OutbreakDetection`'s measures: per algorithm, how many outbreaks raised an alarm while
/// they lasted, after how many periods (days for EARS, ISO weeks for Farrington), and the share of alarms on the
/// periods outside every outbreak.
public struct SignalEvaluation: Sendable {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// An outbreak known to be in the journal: its disease (ICD-10 category), region, first day and length in days.
    public struct KnownOutbreak: Sendable, Equatable {
        public var disease: String
        public var region: String
        public var start: String
        public var days: Int
        public var cases: Int

        public init(disease: String, region: String, start: String, days: Int, cases: Int) {
            self.disease = disease; self.region = region; self.start = start; self.days = days; self.cases = cases
        }
    }

    /// The performance of each algorithm over the periods from `from` to `to` (dates), for every disease and region
    /// with signals there. A period without a signal row counts as no alarm: the scan evaluates every series with
    /// a case in its window, and an all-zero window raises none.
    public func evaluate(_ outbreaks: [KnownOutbreak], from: String, to: String) async throws -> [SignalAlgorithm: DetectionPerformance] {
        guard let first = CaseCalendar.dayNumber(from), let last = CaseCalendar.dayNumber(to), first <= last else {
            throw FHIRError(400, "invalid", "'\(from)'…'\(to)' is not a range of dates", expression: "from")
        }
        let signals = try await repository.database.read { db in
            try await db.raw("SELECT \(unsafeRaw: Signal.columns) FROM surveillance_signals").all().map(Signal.init(row:))
        }
        var result: [SignalAlgorithm: DetectionPerformance] = [:]
        for algorithm in SignalAlgorithm.allCases {
            let own = signals.filter { $0.algorithm == algorithm }
            guard !own.isEmpty else { continue }
            let periods = Periods(weekly: algorithm.isWeekly, first: first, last: last)
            guard periods.count > 0 else { continue }
            var performance = DetectionPerformance()
            let series = Set(own.map { CaseSeries.Key(disease: $0.disease, region: $0.region) })
            for key in series.sorted() {
                var alarms = Array(repeating: false, count: periods.count)
                for signal in own where signal.disease == key.disease && signal.region == key.region {
                    if let i = periods.index(of: signal.period), signal.alarm { alarms[i] = true }
                }
                let injected = outbreaks.filter { $0.disease == key.disease && $0.region == key.region }.compactMap(periods.outbreak)
                try performance.record(alarms: alarms.map { Optional($0) }, evaluated: 0...(periods.count - 1), outbreaks: injected)
            }
            result[algorithm] = performance
        }
        return result
    }

    /// The evaluated periods as 0-based positions: days, or the ISO weeks (by their Monday) that ended by the last day.
    struct Periods {
        let weekly: Bool
        let start: Int
        let count: Int

        init(weekly: Bool, first: Int, last: Int) {
            self.weekly = weekly
            if weekly {
                let monday = { (d: Int) in d - ((d + 3) % 7 + 7) % 7 }
                // The weeks that ended by `last`: a later week's signal is not computed yet.
                start = monday(first)
                count = max(0, (monday(last + 1) - start) / 7)
            } else {
                start = first
                count = last - first + 1
            }
        }

        func index(ofDay day: Int) -> Int? {
            let i = weekly ? (day - start) / 7 : day - start
            return day >= start && i < count ? i : nil
        }

        func index(of period: String) -> Int? {
            if weekly {
                let parts = period.split(separator: "-W")
                guard parts.count == 2, let year = Int(parts[0]), let week = Int(parts[1]),
                      let monday = CaseCalendar.monday(year: year, week: week).flatMap(CaseCalendar.dayNumber) else { return nil }
                return index(ofDay: monday)
            }
            return CaseCalendar.dayNumber(period).flatMap(index(ofDay:))
        }

        /// The outbreak's cases per period it spans (evenly spread over its days).
        func outbreak(_ known: KnownOutbreak) -> Outbreak? {
            guard let startDay = CaseCalendar.dayNumber(known.start), known.days > 0 else { return nil }
            var perPeriod: [Int: Int] = [:]
            for k in 0..<known.cases {
                guard let i = index(ofDay: startDay + k * known.days / known.cases) else { continue }
                perPeriod[i, default: 0] += 1
            }
            guard let firstIndex = index(ofDay: startDay), let lastIndex = index(ofDay: startDay + known.days - 1) ?? perPeriod.keys.max() else { return nil }
            return Outbreak(start: firstIndex, cases: (firstIndex...lastIndex).map { perPeriod[$0] ?? 0 }, label: known.disease)
        }
    }
}
