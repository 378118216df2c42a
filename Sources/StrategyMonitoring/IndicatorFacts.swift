import FHIRStore
import Foundation
import SQLKit
import StatePlans

/// The facts of the plans' target indicators, year by year, with where each came from (a statistics bulletin, a
/// ministry's letter, or the platform's own data), nationally or for a region (KATO); and plan vs fact judged by
/// the indicator's direction.
public struct IndicatorFacts: Sendable {
    public let database: Database
    public let plans: PlanLibrary

    public init(database: Database, plans: PlanLibrary) {
        self.database = database
        self.plans = plans
    }

    /// One fact.
    public struct Fact: Sendable, Equatable {
        public var plan: String
        public var indicator: String
        public var year: Int
        /// KATO code of the region; empty for the country.
        public var region: String
        public var value: Decimal
        public var source: String
        public var enteredBy: String
        public var entered: String
    }

    /// A year of an indicator: its plan value, fact and achievement.
    public struct YearRow: Sendable, Equatable {
        public var year: Int
        public var plan: Decimal?
        public var fact: Fact?
        public var achievement: Achievement?
    }

    /// The platform's computation that gives the facts of a plan indicator, if it is one of those (`LiveIndicators`).
    public static func computation(plan: String, indicator: String) -> LiveIndicators.Definition? {
        LiveIndicators.definitions.first { $0.indicators.contains { $0.plan == plan && $0.indicator == indicator } }
    }

    /// Records a fact, replacing the year's previous one. The facts of an indicator the platform computes are not
    /// typed in from the current year on (`densauluq indicators compute --publish` records them); earlier years —
    /// before the platform held the data — are.
    /// - Throws: `MonitoringError` for an unknown plan or indicator, a year outside the indicator's plan and baseline,
    ///   a computed indicator's current or later year, or an empty source.
    @discardableResult
    public func enter(plan id: String, indicator number: String, year: Int, region: String = "", value: Decimal, source: String,
                      by user: String, now: Date = Date()) async throws -> Fact {
        if let computed = Self.computation(plan: id, indicator: number), year >= (Int(Instant(now).dateInKazakhstan.prefix(4)) ?? year) {
            throw MonitoringError.invalid([.init(field: "indicator", message: "Indicator \(number) of \(id) is computed from the platform's data (\(computed.code)) "
                                                 + "from this year on: `densauluq indicators compute --year \(year) --publish` records it")])
        }
        return try await store(plan: id, indicator: number, year: year, region: region, value: value, source: source, by: user, now: now)
    }

    /// Records a computed value as the fact of each plan indicator it measures whose years include it; a value
    /// without a denominator (nothing to count yet) is no fact.
    func recordComputed(_ result: LiveIndicators.Result, region: String, today: String) async throws {
        guard let percent = result.percent, let definition = LiveIndicators.definitions.first(where: { $0.code == result.code }) else { return }
        guard let value = Decimal(string: String(format: "%.2f", percent), locale: Locale(identifier: "en_US_POSIX")) else { return }
        let source = "Densauluq: MeasureReport/live-\(result.code)-\(result.year)" + (region.isEmpty ? "" : ", stratum \(region)")
            + " (\(result.numerator) / \(result.denominator), \(today))"
        for target in definition.indicators {
            do {
                _ = try await store(plan: target.plan, indicator: target.indicator, year: result.year, region: region, value: value, source: source, by: "densauluq")
            } catch MonitoringError.invalid {
                continue   // a year the indicator does not cover
            }
        }
    }

    @discardableResult
    func store(plan id: String, indicator number: String, year: Int, region: String, value: Decimal, source: String,
               by user: String, now: Date = Date()) async throws -> Fact {
        let plan = try plans.plan(id)
        var problems: [MonitoringError.Problem] = []
        let indicator = plan.indicators.first { $0.number == number }
        if indicator == nil { problems.append(.init(field: "indicator", message: "Plan \(id) has no indicator \(number)")) }
        let years = (indicator?.plan.keys.map { $0 } ?? []) + [indicator?.baseline?.year].compactMap { $0 }
        let first = min(years.min() ?? plan.period.from, plan.period.from), last = max(years.max() ?? plan.period.to, plan.period.to)
        if !(first...last).contains(year) { problems.append(.init(field: "year", message: "\(year) is outside \(first)–\(last)")) }
        if !region.isEmpty && region.count != 9 { problems.append(.init(field: "region", message: "A region is its 9-digit KATO code")) }
        let source = source.trimmingCharacters(in: .whitespacesAndNewlines)
        if source.isEmpty { problems.append(.init(field: "source", message: "Say where the value comes from")) }
        guard problems.isEmpty else { throw MonitoringError.invalid(problems) }
        let fact = Fact(plan: id, indicator: number, year: year, region: region, value: value, source: source, enteredBy: user, entered: Instant(now).iso)
        try await database.transaction { db in
            try await db.raw("DELETE FROM indicator_facts WHERE plan = \(bind: id) AND indicator = \(bind: number) AND year = \(bind: year) AND region = \(bind: region)").run()
            try await db.raw("""
                INSERT INTO indicator_facts (plan, indicator, year, region, value, source, entered_by, entered)
                VALUES (\(bind: id), \(bind: number), \(bind: year), \(bind: region), \(bind: "\(value)"), \(bind: source), \(bind: user), \(bind: fact.entered))
                """).run()
        }
        return fact
    }

    /// The facts of a plan (for a region; the country by default).
    public func facts(plan id: String, region: String = "") async throws -> [Fact] {
        try await database.read { db in
            try await db.raw("""
                SELECT plan, indicator, year, region, value, source, entered_by, entered FROM indicator_facts
                WHERE plan = \(bind: id) AND region = \(bind: region) ORDER BY indicator, year
                """).all().compactMap { row -> Fact? in
                guard let value = Decimal(string: try row.decode(column: "value", as: String.self), locale: Locale(identifier: "en_US_POSIX")) else { return nil }
                return Fact(plan: try row.decode(column: "plan", as: String.self), indicator: try row.decode(column: "indicator", as: String.self),
                            year: try row.decode(column: "year", as: Int.self), region: try row.decode(column: "region", as: String.self), value: value,
                            source: try row.decode(column: "source", as: String.self), enteredBy: try row.decode(column: "entered_by", as: String.self),
                            entered: try row.decode(column: "entered", as: String.self))
            }
        }
    }

    /// Plan vs fact of every indicator of a plan, year by year over the indicator's planned years.
    public func table(plan id: String, region: String = "") async throws -> [(indicator: Indicator, years: [YearRow])] {
        let plan = try plans.plan(id)
        let facts = try await facts(plan: id, region: region)
        return plan.indicators.map { indicator in
            let years = Set(indicator.plan.keys).union(facts.filter { $0.indicator == indicator.number }.map(\.year)).sorted()
            return (indicator, years.map { year in
                let planned = indicator.plan[year]?.number
                let fact = facts.first { $0.indicator == indicator.number && $0.year == year }
                return YearRow(year: year, plan: planned, fact: fact,
                               achievement: Achievement(plan: planned, fact: fact?.value, better: indicator.better))
            })
        }
    }
}

/// How far a fact reaches its plan value, judged by which direction is better.
public struct Achievement: Sendable, Equatable {
    /// Whether the plan value is reached (at or above it when higher is better, at or below when lower is).
    public var achieved: Bool
    /// Fact ÷ plan × 100 when higher is better, plan ÷ fact × 100 when lower is (100 = exactly on plan).
    public var percent: Decimal?

    public init?(plan: Decimal?, fact: Decimal?, better: Indicator.Direction?) {
        guard let plan, let fact else { return nil }
        let lower = better == .lower
        achieved = lower ? fact <= plan : fact >= plan
        if lower { percent = fact == 0 ? nil : plan / fact * 100 } else { percent = plan == 0 ? nil : fact / plan * 100 }
    }
}
