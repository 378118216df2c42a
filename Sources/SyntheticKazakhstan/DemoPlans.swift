import FHIRStore
import Foundation
import StatePlans
import StrategyMonitoring

/// The strategy monitoring's demo: the Ministry of Health (МЗ) has reported on most of its measures of the two
/// plans with a reporting cycle for their latest due period (some overdue), and facts with their source are
/// entered for the Concept's and the cancer plan's indicators near their plan values — deterministic by seed.
public struct DemoPlans: Sendable {
    public let database: Database
    public let plans: PlanLibrary
    public let seed: UInt64

    public init(database: Database, plans: PlanLibrary, seed: UInt64) {
        self.database = database
        self.plans = plans
        self.seed = seed
    }

    /// The demo executor body.
    public static let executor = "МЗ"

    static let progress = [
        "Нормативный правовой акт разработан и внесён на согласование в заинтересованные государственные органы.",
        "Мероприятие исполняется: проведены совещания с управлениями здравоохранения областей, информация направлена.",
        "Закуплено и введено в эксплуатацию оборудование, обучены специалисты.",
        "Исполнение перенесено в связи с отсутствием финансирования; внесено предложение в бюджетную заявку.",
    ]

    /// Loads the demo's reports and facts as of `today`; returns how many of each.
    @discardableResult
    public func load(today: Day) async throws -> (reports: Int, facts: Int) {
        var rng = RandomSource(seed: seed &+ 7)
        let reports = ProgressReports(database: database, plans: plans)
        var sent = 0
        for id in ["health-concept-2026", "cancer-plan-2023-2027"] {
            let due = try await reports.obligations(plan: id, executor: Self.executor, today: today)
            guard let latest = due.filter({ $0.due <= today }).map(\.period).max() else { continue }
            for o in due where o.period == latest {
                let draw = rng.next() % 10
                guard draw < 8 else { continue }   // two in ten left overdue
                let status: ProgressReports.Status = draw < 4 ? .done : draw < 7 ? .inProgress : .notDone
                let text = Self.progress[status == .done ? 2 : status == .inProgress ? Int(rng.next() % 2) : 3]
                try await reports.submit(plan: id, measure: o.measure, period: o.period, executor: o.executor, status: status, progress: text,
                                         evidence: status == .done ? "https://adilet.zan.kz/" : nil, by: "demo.executor")
                sent += 1
            }
        }
        // Facts near the plan: within ±6 %, so that some are reached and some are not.
        let facts = IndicatorFacts(database: database, plans: plans)
        var entered = 0
        for id in ["health-concept-2026", "cancer-plan-2023-2027"] {
            let plan = try plans.plan(id)
            for indicator in plan.indicators {
                for (year, value) in indicator.plan.sorted(by: { $0.key < $1.key }) where year < today.year {
                    guard let planned = value.number else { continue }
                    let factor = 0.94 + Double(rng.next() % 121) / 1000
                    let fact = (NSDecimalNumber(decimal: planned).doubleValue * factor * 10).rounded() / 10
                    try await facts.enter(plan: id, indicator: indicator.number, year: year, value: Decimal(fact),
                                          source: "Бюро национальной статистики (демо)", by: "demo.analyst")
                    entered += 1
                }
            }
        }
        return (sent, entered)
    }
}
