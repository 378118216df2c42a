import DatabaseTesting
import FHIRJSON
import FHIRStore
import Foundation
import OutbreakDetection
@testable import Surveillance
import Testing

/// The scheduled outbreak detection on SQLite and PostgreSQL: series from the journal by date of diagnosis, the same
/// numbers as the algorithms run directly, one task per alarm and none twice, and nothing from discarded cases.
@Suite struct OutbreakScanTests {
    static let almaty = "750000000"
    /// A Wednesday: the last complete ISO week is 2026-W47 (Monday 16 November), the last complete day the 24th.
    static let scanDay = "2026-11-25"
    static let now = ISO8601DateFormatter().date(from: "2026-11-25T04:00:00Z") ?? Date()

    /// Cases written straight into the journal table (what `NotificationService` writes), one per person.
    static func insert(_ repo: Repository, disease: String = "A09", region: String = almaty, day: Int, count: Int,
                       status: CaseStatus = .confirmed, from start: Int) async throws -> Int {
        guard count > 0 else { return start }
        let date = CaseCalendar.date(day)
        let records = (start..<(start + count)).map { n in
            CaseRecord(condition: "c\(n)", patient: "p\(n)", disease: disease, code: disease + ".0", region: region, district: nil, settlement: nil,
                       organization: "o1", onset: CaseCalendar.date(day - 2), diagnosed: date, status: status, laboratory: true, notifications: 1,
                       electronic: 1, received: date + "T10:00:00Z", updated: date + "T10:00:00Z")
        }
        try await repo.database.transaction { db in for r in records { try await r.insert(db) } }
        return start + count
    }

    /// Weekly counts of `weeks` weeks ending with the week of Monday `lastMonday`: 3…6 cases a week spread over the days,
    /// plus `spike` extra cases on the last week's Wednesday.
    static func baseline(_ week: Int) -> Int { 3 + week % 4 }

    static func load(_ repo: Repository, weeks: Int, spike: Int, lastDaySpike: Int = 0) async throws -> (lastMonday: Int, weekly: [Int]) {
        let scan = try #require(CaseCalendar.dayNumber(scanDay))
        let lastMonday = scan - 2 - 7
        var next = 0
        var weekly: [Int] = []
        for w in 0..<weeks {
            let monday = lastMonday - 7 * (weeks - 1 - w)
            var total = 0
            for d in 0..<7 {
                let n = (baseline(w) + d) / 7 + (d == 2 && w == weeks - 1 ? spike : 0)
                next = try await insert(repo, day: monday + d, count: n, from: next)
                total += n
            }
            weekly.append(total)
        }
        next = try await insert(repo, day: scan - 1, count: lastDaySpike, from: next)
        // Discarded cases count nowhere.
        _ = try await insert(repo, day: lastMonday + 3, count: 50, status: .discarded, from: next)
        return (lastMonday, weekly)
    }

    @Test(arguments: TestDatabase.available)
    func theWeeklySignalIsFarringtonOnTheJournalAndAnAlarmRaisesOneTask(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let (_, weekly) = try await Self.load(repo, weeks: 110, spike: 40)
            let scan = OutbreakScan(repository: repo)
            let summary = try await scan.run(on: Self.scanDay, now: Self.now)
            #expect(summary.week == "2026-W47" && summary.day == "2026-11-24")
            #expect(summary.farringtonYears == 2 && summary.weeklySeries == 1 && summary.dailySeries == 1)
            #expect(summary.failures.isEmpty)
            // The same numbers as the algorithm run on the series counted here.
            let length = 2 * 52 + 3 + 1
            var options = FarringtonFlexibleOptions.noufaily()
            options.b = 2
            options.range = (length - 1)...(length - 1)
            let direct = try #require(try FarringtonFlexible.detect(CountSeries(counts: Array(weekly.suffix(length))), options: options).points.first)
            let signals = try await SignalJournal(repository: repo).signals(.init(algorithm: .farringtonFlexible))
            let weeklySignal = try #require(signals.first)
            #expect(signals.count == 1 && weeklySignal.period == "2026-W47" && weeklySignal.region == Self.almaty && weeklySignal.disease == "A09")
            #expect(weeklySignal.observed == weekly.last && weeklySignal.observed == direct.observed)
            #expect(weeklySignal.upperbound == direct.upperbound && weeklySignal.expected == direct.expected && weeklySignal.score == direct.score)
            #expect(weeklySignal.alarm && direct.alarm == true)
            // The alarm raised a task for the region's epidemiologists.
            #expect(summary.tasksCreated == 1)
            let taskId = try #require(weeklySignal.task)
            let task = try await repo.read(type: "Task", id: taskId).json
            #expect(task["status"]?.stringValue == "requested" && task["intent"]?.stringValue == "order")
            #expect(task["reasonCode"]?["coding"]?[0]?["code"]?.stringValue == "A09")
            #expect(task["extension"]?[0]?["valueCode"]?.stringValue == Self.almaty)
            #expect(task["input"]?.arrayValue?.count == summary.alarms)
            // Run again: the same signals, no second task.
            let again = try await scan.run(on: Self.scanDay, now: Self.now)
            #expect(again.signals == summary.signals && again.alarms == summary.alarms && again.tasksCreated == 0 && again.tasksUpdated == 0)
            #expect(try await SignalJournal(repository: repo).signals(.init()).count == summary.signals)
            // The dashboard's series shows the cases and the bound.
            let series = try await SignalJournal(repository: repo).weeklySeries(disease: "A09", region: Self.almaty, weeks: 10, until: "2026-11-22")
            #expect(series.count == 10 && series.last?.week == "2026-W47" && series.last?.cases == weekly.last && series.last?.alarm == true)
            #expect(series.map(\.cases) == Array(weekly.suffix(10)))
        }
    }

    @Test(arguments: TestDatabase.available)
    func aNewAlarmJoinsTheOpenTaskAndAClosedTaskIsNotReused(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            _ = try await Self.load(repo, weeks: 110, spike: 40, lastDaySpike: 0)
            let scan = OutbreakScan(repository: repo)
            let first = try await scan.run(on: Self.scanDay, now: Self.now)
            #expect(first.tasksCreated == 1)
            // A day later, a spike of 120 cases on the 25th: the daily algorithms raise alarms for the same disease and region.
            var next = 100_000
            next = try await Self.insert(repo, day: try #require(CaseCalendar.dayNumber("2026-11-25")), count: 120, from: next)
            let second = try await scan.run(on: "2026-11-26", now: Self.now.addingTimeInterval(86_400))
            #expect(second.alarms > 0 && second.tasksCreated == 0 && second.tasksUpdated == 1)
            let alarms = try await SignalJournal(repository: repo).signals(.init(alarmsOnly: true))
            #expect(Set(alarms.compactMap(\.task)).count == 1 && alarms.allSatisfy { $0.task != nil })
            // The epidemiologist closes the task; the next alarm raises a new one.
            let taskId = try #require(alarms.first?.task)
            let task = try await repo.read(type: "Task", id: taskId)
            guard case .object(var closed) = task.json else { Issue.record("Task is not an object"); return }
            closed["status"] = "completed"
            _ = try await repo.update(type: "Task", id: taskId, resource: .object(closed))
            _ = try await Self.insert(repo, day: try #require(CaseCalendar.dayNumber("2026-11-26")), count: 500, from: next)
            let third = try await scan.run(on: "2026-11-27", now: Self.now.addingTimeInterval(2 * 86_400))
            #expect(third.tasksCreated == 1 && third.tasksUpdated == 0)
        }
    }

    @Test(arguments: TestDatabase.available)
    func withLessThanAYearOfHistoryOnlyTheDailyAlgorithmsRun(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let empty = try await OutbreakScan(repository: repo).run(on: Self.scanDay, now: Self.now)
            #expect(empty.signals == 0 && empty.farringtonYears == 0 && empty.tasksCreated == 0)
            _ = try await Self.load(repo, weeks: 20, spike: 0)
            let summary = try await OutbreakScan(repository: repo).run(on: Self.scanDay, now: Self.now)
            #expect(summary.farringtonYears == 0 && summary.weeklySeries == 0)
            #expect(summary.dailySeries == 1 && summary.signals == 3)
            let daily = try await SignalJournal(repository: repo).signals(.init())
            #expect(Set(daily.map(\.algorithm)) == [.earsC1, .earsC2, .earsC3] && daily.allSatisfy { $0.period == "2026-11-24" })
            await #expect(throws: FHIRError.self) { try await OutbreakScan(repository: repo).run(on: "2026-13-01", now: Self.now) }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aBackfillRaisesNoTaskAndTheKnownOutbreakIsScored(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            _ = try await Self.load(repo, weeks: 110, spike: 40)
            let scan = OutbreakScan(repository: repo)
            let days = try await scan.backfill(from: "2026-10-01", to: "2026-11-24", now: Self.now)
            #expect(days.count == 55 && days.allSatisfy { $0.tasksCreated == 0 })
            // Weekly results for the week before the first day's and each Monday's scan (W39…W47), no task.
            let weekly = try await SignalJournal(repository: repo).signals(.init(algorithm: .farringtonFlexible))
            #expect(Set(weekly.map(\.period)).count == 9 && weekly.allSatisfy { $0.task == nil })
            #expect(try await repo.search(type: "Task", parameters: [("_summary", "count")], baseURL: "").objectValue?["total"]?.intValue == 0)
            // The same week's signal as the day's own scan gives.
            let w47 = try #require(weekly.first { $0.period == "2026-W47" })
            #expect(w47.alarm && w47.observed == 44)
            // The spike of 40 on Wednesday 18 November (diagnosed that day), scored.
            let known = SignalEvaluation.KnownOutbreak(disease: "A09", region: Self.almaty, start: "2026-11-18", days: 1, cases: 40)
            let scores = try await SignalEvaluation(repository: repo).evaluate([known], from: "2026-10-01", to: "2026-11-23")
            let farrington = try #require(scores[.farringtonFlexible])
            #expect(farrington.detection.successes == 1 && farrington.detection.trials == 1 && farrington.delays == [0])
            let c1 = try #require(scores[.earsC1])
            #expect(c1.detection.successes == 1 && c1.delays == [0])
            // R's C3 looks at the two days before: it never alarms on the spike's own day.
            #expect(scores[.earsC3]?.detection.successes == 0)
            // W40…W47 ended by 23 November; all but the outbreak's week count as periods without an outbreak.
            #expect(farrington.nonOutbreakPeriods == 7)
            // The day's scan afterwards raises the task of the current alarm.
            #expect(try await scan.run(on: Self.scanDay, now: Self.now).tasksCreated == 1)
        }
    }
}
