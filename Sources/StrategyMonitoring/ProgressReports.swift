import FHIRStore
import Foundation
import SQLKit
import StatePlans

/// The executors' reports on the state plans' measures (the decrees' reporting cycles: the Concept's executors by
/// 15 April for the year, the cancer plan's by 15 January and 15 July for the half-year): what each responsible
/// body has to report, what it has sent, what is overdue; a report per measure, period and executor, revised in
/// place until the ministry consolidates.
public struct ProgressReports: Sendable {
    public let database: Database
    public let plans: PlanLibrary

    public init(database: Database, plans: PlanLibrary) {
        self.database = database
        self.plans = plans
    }

    /// What an executor says of a measure.
    public enum Status: String, Sendable, CaseIterable, Codable {
        /// Выполнено.
        case done
        /// В процессе исполнения.
        case inProgress = "in-progress"
        /// Не выполнено (with the reason in the text).
        case notDone = "not-done"
    }

    /// One stored report.
    public struct Report: Sendable, Equatable {
        public var plan: String
        public var measure: String
        public var period: ReportingPeriod
        public var executor: String
        public var status: Status
        public var progress: String
        public var evidence: String?
        public var submittedBy: String
        public var submitted: String
        public var revision: Int
    }

    /// A measure an executor has to report on in a period, and where it stands.
    public struct Obligation: Sendable, Equatable {
        public enum State: String, Sendable { case submitted, due, overdue }
        public var plan: String
        public var measure: String
        public var executor: String
        public var lead: Bool
        public var period: ReportingPeriod
        public var due: Day
        public var state: State
        public var report: Report?
    }

    /// Longest texts kept (a report is a paragraph or a page, not a document: attach that as evidence).
    public static let maximumProgress = 10_000
    public static let maximumEvidence = 2_000

    // MARK: - Obligations

    /// The executors' reports the plan's clauses require, per measure and responsible body, with their state on
    /// `today`: every report whose due date is on or before `horizon` (default: the end of `today`'s year).
    /// A measure is reported on while it is running: its deadlines reach into or past the period (or are not
    /// dated, like "постоянно").
    public func obligations(plan id: String, executor: String? = nil, today: Day, horizon: Day? = nil) async throws -> [Obligation] {
        let plan = try plans.plan(id)
        let until = horizon ?? Day.endOfYear(today.year)
        let reports = plan.reportingSchedule.filter { $0.who == "executors" && $0.due <= until }
        guard !reports.isEmpty else { return [] }
        let stored = try await self.reports(plan: id, executor: executor)
        var byKey: [String: Report] = [:]
        for r in stored { byKey["\(r.period)|\(r.executor)|\(r.measure)"] = r }
        var out: [Obligation] = []
        let keys = plan.measureKeys
        for report in reports {
            let period = ReportingPeriod(report.covers)
            for (key, measure) in zip(keys, plan.measures) {
                let running = Self.isRunning(measure, plan: plan, in: period)
                for body in measure.responsible where executor == nil || body.ru == executor {
                    let sent = byKey["\(period)|\(body.ru)|\(key)"]
                    // A finished measure is not asked for; a report sent on it anyway is shown.
                    guard running || sent != nil else { continue }
                    let state: Obligation.State = sent != nil ? .submitted : (report.due < today ? .overdue : .due)
                    out.append(Obligation(plan: id, measure: key, executor: body.ru, lead: body.lead, period: period, due: report.due,
                                          state: state, report: sent))
                }
            }
        }
        return out
    }

    /// Whether a measure is still to be reported on in `period`.
    static func isRunning(_ measure: Measure, plan: Plan, in period: ReportingPeriod) -> Bool {
        guard let deadline = measure.deadline else { return true }
        let dated = deadline.obligations(period: plan.period)
        if dated.isEmpty { return true }
        return dated.contains { $0.due >= period.first }
    }

    // MARK: - Submitting

    /// Stores (or revises) an executor's report.
    /// - Throws: `MonitoringError` naming each problem: unknown plan or measure, an executor not responsible for the
    ///   measure, a period that is not one of the plan's reporting periods, an empty or too long text.
    @discardableResult
    public func submit(plan id: String, measure key: String, period: ReportingPeriod, executor: String, status: Status,
                       progress: String, evidence: String?, by user: String, now: Date = Date()) async throws -> Report {
        let plan = try plans.plan(id)
        var problems: [MonitoringError.Problem] = []
        let measure = plan.measure(key: key)
        if measure == nil { problems.append(.init(field: "measure", message: "Plan \(id) has no measure \(key)")) }
        if let measure, !measure.responsible.contains(where: { $0.ru == executor }) {
            problems.append(.init(field: "executor", message: "\(executor) is not responsible for measure \(key) of plan \(id)"))
        }
        let periods = Set(plan.reportingSchedule.filter { $0.who == "executors" }.map { ReportingPeriod($0.covers) })
        if !periods.contains(period) { problems.append(.init(field: "period", message: "\(period) is not a reporting period of plan \(id)")) }
        let text = progress.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty { problems.append(.init(field: "progress", message: "Say what was done")) }
        if text.count > Self.maximumProgress { problems.append(.init(field: "progress", message: "At most \(Self.maximumProgress) characters")) }
        let evidence = evidence?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if let evidence, evidence.count > Self.maximumEvidence { problems.append(.init(field: "evidence", message: "At most \(Self.maximumEvidence) characters")) }
        guard problems.isEmpty else { throw MonitoringError.invalid(problems) }
        let submitted = Instant(now).iso
        return try await database.transaction { db in
            let previous = try await db.raw("""
                SELECT revision FROM plan_progress WHERE plan = \(bind: id) AND period = \(bind: period.description)
                  AND executor = \(bind: executor) AND measure = \(bind: key)
                """).all().first.map { try $0.decode(column: "revision", as: Int.self) } ?? 0
            try await db.raw("""
                DELETE FROM plan_progress WHERE plan = \(bind: id) AND period = \(bind: period.description)
                  AND executor = \(bind: executor) AND measure = \(bind: key)
                """).run()
            try await db.raw("""
                INSERT INTO plan_progress (plan, measure, period, executor, status, progress, evidence, submitted_by, submitted, revision)
                VALUES (\(bind: id), \(bind: key), \(bind: period.description), \(bind: executor), \(bind: status.rawValue), \(bind: text),
                  \(bind: evidence), \(bind: user), \(bind: submitted), \(bind: previous + 1))
                """).run()
            return Report(plan: id, measure: key, period: period, executor: executor, status: status, progress: text, evidence: evidence,
                          submittedBy: user, submitted: submitted, revision: previous + 1)
        }
    }

    /// The stored reports of a plan (of one executor), by period and measure.
    public func reports(plan id: String, executor: String? = nil) async throws -> [Report] {
        try await database.read { db in
            var query: SQLQueryString = "SELECT plan, measure, period, executor, status, progress, evidence, submitted_by, submitted, revision FROM plan_progress WHERE plan = \(bind: id)"
            if let executor { query = query + " AND executor = \(bind: executor)" }
            return try await db.raw(query + " ORDER BY period, measure, executor").all().compactMap { row -> Report? in
                guard let period = ReportingPeriod(try row.decode(column: "period", as: String.self)),
                      let status = Status(rawValue: try row.decode(column: "status", as: String.self)) else { return nil }
                return Report(plan: try row.decode(column: "plan", as: String.self), measure: try row.decode(column: "measure", as: String.self),
                              period: period, executor: try row.decode(column: "executor", as: String.self), status: status,
                              progress: try row.decode(column: "progress", as: String.self), evidence: try row.decode(column: "evidence", as: String?.self),
                              submittedBy: try row.decode(column: "submitted_by", as: String.self), submitted: try row.decode(column: "submitted", as: String.self),
                              revision: try row.decode(column: "revision", as: Int.self))
            }
        }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
