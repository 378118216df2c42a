import FHIRJSON
import FHIRStore
import Foundation
import OutbreakDetection
import SQLKit

/// The scheduled outbreak detection of seed 002 (process 5.2, "AI analysis to detect outbreaks"): for every disease
/// and region with cases, Farrington flexible on the last complete ISO week and EARS C1–C3 on the last complete day;
/// each result is stored in `surveillance_signals`, and alarms raise a Task for the region's epidemiologists.
///
/// A scan is idempotent: run again for the same day, it recomputes the same periods (a late notification changes
/// the counts), replaces their values and raises no second task for an alarm that already has one. It is meant to
/// run every hour or so (`densauluq serve` does) and on demand (`densauluq surveillance scan`, `$scan-outbreaks`).
public struct OutbreakScan: Sendable {
    public let repository: Repository
    /// Farrington flexible settings (default Noufaily et al. 2013 with the `nbPlugin` threshold). `b` is the most
    /// years of history used; with less history since surveillance started the scan uses the whole years it has
    /// (at least one), and none before.
    public var farrington: FarringtonFlexibleOptions
    /// The daily algorithms.
    public var daily: [SignalAlgorithm]
    /// Days of daily history read for EARS (at least the C3 lag of 11 days).
    public var dailyHistory: Int

    public init(repository: Repository, farrington: FarringtonFlexibleOptions = .noufaily(),
                daily: [SignalAlgorithm] = [.earsC1, .earsC2, .earsC3], dailyHistory: Int = 28) {
        self.repository = repository
        self.farrington = farrington
        self.daily = daily.filter { !$0.isWeekly }
        self.dailyHistory = max(dailyHistory, 14)
    }

    /// What one scan did.
    public struct Summary: Sendable, Equatable {
        /// The periods evaluated: the last complete ISO week and day before the scan's day.
        public var week: String
        public var day: String
        /// Years of history Farrington used (0: not enough history yet, no weekly signals).
        public var farringtonYears: Int
        /// Disease × region series evaluated weekly and daily.
        public var weeklySeries: Int
        public var dailySeries: Int
        public var signals: Int
        public var alarms: Int
        /// Tasks created and open tasks that got new alarms.
        public var tasksCreated: Int
        public var tasksUpdated: Int
        /// Series the algorithm could not evaluate, with the reason (R gives NA or stops there too).
        public var failures: [String]
    }

    /// Scans the periods that ended before `day` (a date in Kazakhstan; default today).
    public func run(on day: String? = nil, now: Date = Date()) async throws -> Summary {
        try await run(on: day, now: now, weeklyToo: true, raiseTasks: true)
    }

    /// Computes the signals every day from `from` to `to` (inclusive) would have given, as if the scan had run on
    /// each of them — after loading historical data, or for the demo. Past alarms raise no task unless asked.
    /// - Returns: one summary per day scanned (the weekly algorithm only on Mondays and on `from`).
    public func backfill(from: String, to: String, raiseTasks: Bool = false, now: Date = Date()) async throws -> [Summary] {
        guard let first = CaseCalendar.dayNumber(from) else { throw FHIRError(400, "invalid", "'\(from)' is not a date", expression: "from") }
        guard let last = CaseCalendar.dayNumber(to) else { throw FHIRError(400, "invalid", "'\(to)' is not a date", expression: "to") }
        guard last - first <= 3_660 else { throw FHIRError(400, "too-costly", "A backfill covers at most ten years", expression: "from") }
        var summaries: [Summary] = []
        for day in stride(from: first, through: last, by: 1) {
            let monday = ((day + 3) % 7 + 7) % 7 == 0
            summaries.append(try await run(on: CaseCalendar.date(day), now: now, weeklyToo: monday || day == first, raiseTasks: raiseTasks))
        }
        return summaries
    }

    func run(on day: String?, now: Date, weeklyToo: Bool, raiseTasks: Bool) async throws -> Summary {
        let instant = Instant(now)
        let today = day ?? instant.dateInKazakhstan
        guard let dayNumber = CaseCalendar.dayNumber(today) else {
            throw FHIRError(400, "invalid", "'\(today)' is not a date", expression: "date")
        }
        let computed = instant.iso
        let weekday = ((dayNumber + 3) % 7 + 7) % 7
        let lastWeek = dayNumber - weekday - 7          // Monday of the last complete ISO week
        let lastDay = dayNumber - 1
        var summary = Summary(week: CaseCalendar.isoWeekLabel(CaseCalendar.date(lastWeek)) ?? "", day: CaseCalendar.date(lastDay),
                              farringtonYears: 0, weeklySeries: 0, dailySeries: 0, signals: 0, alarms: 0, tasksCreated: 0, tasksUpdated: 0,
                              failures: [])
        let maxYears = farrington.b, w = farrington.w, dailyHistory = dailyHistory
        let (weekly, years, dailySeries) = try await repository.database.read { db -> (CaseSeries?, Int, CaseSeries?) in
            guard let first = try await CaseSeries.firstDay(db), first <= lastDay else { return (nil, 0, nil) }
            // Weekly: as many whole years of history as surveillance has had, up to b.
            let firstMonday = first - ((first + 3) % 7 + 7) % 7
            let years = min(maxYears, ((lastWeek - firstMonday) / 7 - w) / 52)
            var weekly: CaseSeries?
            if years >= 1 && weeklyToo {
                let length = years * 52 + w + 1
                weekly = try await CaseSeries.read(db, start: lastWeek - 7 * (length - 1), step: 7, length: length)
            }
            // Daily: EARS C3 reads 11 days before the evaluated one.
            let days = min(dailyHistory, lastDay - first + 1)
            let daily = days > 11 ? try await CaseSeries.read(db, start: lastDay - days + 1, step: 1, length: days) : nil
            return (weekly, max(years, 0), daily)
        }
        var signals: [Signal] = []
        if let weekly {
            summary.farringtonYears = years
            summary.weeklySeries = weekly.counts.count
            signals += weeklySignals(weekly, years: years, computed: computed, failures: &summary.failures)
        }
        if let dailySeries {
            summary.dailySeries = dailySeries.counts.count
            signals += dailySignals(dailySeries, computed: computed, failures: &summary.failures)
        }
        summary.signals = signals.count
        summary.alarms = signals.filter(\.alarm).count
        let tasks = try await store(signals, now: computed, raiseTasks: raiseTasks)
        summary.tasksCreated = tasks.created
        summary.tasksUpdated = tasks.updated
        return summary
    }

    func weeklySignals(_ series: CaseSeries, years: Int, computed: String, failures: inout [String]) -> [Signal] {
        var options = farrington
        options.b = years
        options.range = (series.length - 1)...(series.length - 1)
        var signals: [Signal] = []
        for key in series.counts.keys.sorted() {
            guard let counts = series.counts[key] else { continue }
            do {
                let result = try FarringtonFlexible.detect(try CountSeries(counts: counts, frequency: 52), options: options)
                for point in result.points {
                    signals.append(Signal(disease: key.disease, region: key.region, algorithm: .farringtonFlexible, period: series.label(point.index),
                                          observed: point.observed, expected: point.expected, upperbound: point.upperbound, score: point.score,
                                          alarm: point.alarm == true, computed: computed))
                }
            } catch {
                failures.append("\(SignalAlgorithm.farringtonFlexible.rawValue) \(key.disease) \(key.region): \(error)")
            }
        }
        return signals
    }

    func dailySignals(_ series: CaseSeries, computed: String, failures: inout [String]) -> [Signal] {
        var signals: [Signal] = []
        for key in series.counts.keys.sorted() {
            guard let counts = series.counts[key] else { continue }
            for algorithm in daily {
                guard let method = algorithm.earsMethod else { continue }
                let options = EARSOptions(method: method, range: (series.length - 1)...(series.length - 1))
                do {
                    let result = try EARS.detect(try CountSeries(counts: counts, frequency: 365), options: options)
                    for point in result.points {
                        signals.append(Signal(disease: key.disease, region: key.region, algorithm: algorithm, period: series.label(point.index),
                                              observed: point.observed, expected: point.expected, upperbound: point.upperbound, score: point.score,
                                              alarm: point.alarm == true, computed: computed))
                    }
                } catch {
                    failures.append("\(algorithm.rawValue) \(key.disease) \(key.region): \(error)")
                }
            }
        }
        return signals
    }

    /// Writes the signals and raises or extends the tasks of the alarms, in one transaction.
    func store(_ signals: [Signal], now: String, raiseTasks: Bool) async throws -> (created: Int, updated: Int) {
        guard !signals.isEmpty else { return (0, 0) }
        return try await repository.serviceTransaction { tx in
            // One scan writes at a time, so that two at once cannot both raise a task for the same alarm.
            try await tx.lock("outbreak-scan")
            var alarms: [CaseSeries.Key: [Signal]] = [:]
            for signal in signals {
                let existing = try await tx.sql.raw("""
                    SELECT task FROM surveillance_signals WHERE disease = \(bind: signal.disease) AND region = \(bind: signal.region)
                      AND algorithm = \(bind: signal.algorithm.rawValue) AND period = \(bind: signal.period)
                    """).first().flatMap { try $0.decode(column: "task", as: String?.self) }
                try await signal.upsert(tx.sql)
                if raiseTasks && signal.alarm && existing == nil {
                    alarms[CaseSeries.Key(disease: signal.disease, region: signal.region), default: []].append(signal)
                }
            }
            var created = 0, updated = 0
            for key in alarms.keys.sorted() {
                guard let raised = alarms[key] else { continue }
                let taskId: String
                if let open = try await openTask(tx, key) {
                    taskId = try await tx.update("Task", open.id, OutbreakTask.adding(raised, to: open.json, now: now)).id
                    updated += 1
                } else {
                    taskId = try await tx.create("Task", OutbreakTask.new(disease: key.disease, region: key.region, alarms: raised, now: now)).id
                    created += 1
                }
                for signal in raised {
                    try await tx.sql.raw("""
                        UPDATE surveillance_signals SET task = \(bind: taskId) WHERE disease = \(bind: signal.disease) AND region = \(bind: signal.region)
                          AND algorithm = \(bind: signal.algorithm.rawValue) AND period = \(bind: signal.period)
                        """).run()
                }
            }
            return (created, updated)
        }
    }

    /// The latest task of the disease and region, if it is still open.
    func openTask(_ tx: StoreTransaction, _ key: CaseSeries.Key) async throws -> StoredResource? {
        guard let id = try await tx.sql.raw("""
            SELECT task FROM surveillance_signals WHERE disease = \(bind: key.disease) AND region = \(bind: key.region) AND task IS NOT NULL
              ORDER BY computed DESC, period DESC LIMIT 1
            """).first().flatMap({ try $0.decode(column: "task", as: String?.self) }),
            let task = try await tx.readForUpdate("Task", [id])[id], OutbreakTask.isOpen(task.json) else { return nil }
        return task
    }
}
