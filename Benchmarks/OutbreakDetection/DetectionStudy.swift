import Foundation
import OutbreakDetection

/// A kind of baseline data in the detection study.
struct StudyScenario: Sendable {
    let name: String
    let model: BaselineModel
    /// Length of each generated series.
    let length: Int
    /// The time points every algorithm evaluates (the last year of weeks, the last 13 weeks of days).
    let evaluated: ClosedRange<Int>
    /// Outbreak lengths, drawn uniformly.
    let outbreakLengths: ClosedRange<Int>
    /// Outbreaks placed in the history before the evaluated time points (weekly data: the reference
    /// years of real series contain past outbreaks that the algorithms must down-weight).
    let historyOutbreaks: Int

    var isDaily: Bool { model.frequency == 365 }

    static let weekdayFactors = [1.2, 1.15, 1.1, 1.1, 1.05, 0.75, 0.65]

    /// Four weekly scenarios in the spirit of Noufaily et al. (2013): from a rare disease with mostly
    /// zero weeks to a common, over-dispersed one; 7 years each, the last year evaluated.
    static let weekly: [StudyScenario] = [
        weekly("rare: 0.5/week, Poisson", BaselineModel(intercept: log(0.5), seasonalCosine: 0.2, seasonalSine: -0.4, harmonics: 1, dispersion: 1)),
        weekly("low: 3/week, φ 1.5", BaselineModel(intercept: log(3), seasonalCosine: 0.3, seasonalSine: -0.5, harmonics: 1, dispersion: 1.5)),
        weekly("medium: 15/week, φ 2, trend", BaselineModel(intercept: log(15), trend: 0.001, seasonalCosine: 0.4, seasonalSine: 0.4, harmonics: 2, dispersion: 2)),
        weekly("high: 80/week, φ 3", BaselineModel(intercept: log(80), seasonalCosine: 0.5, seasonalSine: -0.3, harmonics: 1, dispersion: 3)),
    ]

    /// Three daily scenarios with a weekday pattern (fewer notifications at weekends) and a mild
    /// annual season; 112 days each, the last 91 evaluated.
    static let daily: [StudyScenario] = [
        daily("rare: 1/day, Poisson", intercept: log(1), dispersion: 1),
        daily("low: 5/day, φ 1.5", intercept: log(5), dispersion: 1.5),
        daily("high: 25/day, φ 2", intercept: log(25), dispersion: 2),
    ]

    private static func weekly(_ name: String, _ model: BaselineModel) -> StudyScenario {
        StudyScenario(name: name, model: model, length: 364, evaluated: 312...363, outbreakLengths: 2...6, historyOutbreaks: 2)
    }

    private static func daily(_ name: String, intercept: Double, dispersion: Double) -> StudyScenario {
        let model = BaselineModel(intercept: intercept, seasonalCosine: 0.2, seasonalSine: -0.2, harmonics: 1,
                                  dispersion: dispersion, frequency: 365, weekdayFactors: weekdayFactors)
        return StudyScenario(name: name, model: model, length: 112, evaluated: 21...111, outbreakLengths: 3...10, historyOutbreaks: 0)
    }
}

/// The algorithms of the study, each with R's default settings unless named otherwise.
enum StudyAlgorithm: String, CaseIterable, Sendable {
    case farrington = "Farrington (algo.farrington)"
    case flexibleOriginal = "farringtonFlexible, original"
    case flexibleNoufaily = "farringtonFlexible, Noufaily (nbPlugin)"
    case earsC1 = "EARS C1"
    case earsC2 = "EARS C2"
    case earsC3 = "EARS C3"

    var isDaily: Bool {
        switch self {
        case .farrington, .flexibleOriginal, .flexibleNoufaily: return false
        case .earsC1, .earsC2, .earsC3: return true
        }
    }

    /// What a reader needs to compare false-alarm rates: the nominal level per time point.
    var nominal: String {
        switch self {
        case .farrington: return "α 0.05 two-sided (0.025 upper)"
        case .flexibleOriginal, .flexibleNoufaily: return "α 0.05 one-sided"
        case .earsC1, .earsC2: return "α 0.001"
        case .earsC3: return "α 0.025"
        }
    }

    /// The alarms over `range`; `nil` where the algorithm gives NA.
    func alarms(_ series: CountSeries, range: ClosedRange<Int>) throws(OutbreakDetectionError) -> [Bool?] {
        switch self {
        case .farrington:
            return try Farrington.detect(series, options: FarringtonOptions(range: range)).points.map { $0.alarm }
        case .flexibleOriginal:
            var options = FarringtonFlexibleOptions.original
            options.range = range
            return try FarringtonFlexible.detect(series, options: options).points.map(\.alarm)
        case .flexibleNoufaily:
            var options = FarringtonFlexibleOptions.noufaily(thresholdMethod: .nbPlugin)
            options.range = range
            return try FarringtonFlexible.detect(series, options: options).points.map(\.alarm)
        case .earsC1, .earsC2, .earsC3:
            let method: EARSMethod = self == .earsC1 ? .c1 : (self == .earsC2 ? .c2 : .c3)
            return try EARS.detect(series, options: EARSOptions(method: method, range: range)).points.map(\.alarm)
        }
    }
}

/// The measured detection study: outbreaks of known start, length and size injected into generated
/// baselines, every algorithm run on the same series, alarms scored against the truth.
struct DetectionStudy {
    /// Outbreak sizes in standard deviations of the baseline count at the start (Noufaily et al. 2013).
    static let sizeMultipliers: [Double] = [2, 3, 5, 10, 20]

    let seed: UInt64
    let replicates: Int

    struct Outcome {
        var performance: [StudyAlgorithm: DetectionPerformance] = [:]
        var byScenario: [String: [StudyAlgorithm: DetectionPerformance]] = [:]
        var failures: [String] = []
        var seriesCount = 0
    }

    func run(progress: (String) -> Void) throws(EvaluationError) -> Outcome {
        var outcome = Outcome()
        let scenarios = StudyScenario.weekly + StudyScenario.daily
        for (scenarioIndex, scenario) in scenarios.enumerated() {
            let algorithms = StudyAlgorithm.allCases.filter { $0.isDaily == scenario.isDaily }
            for (kIndex, k) in Self.sizeMultipliers.enumerated() {
                for replicate in 0..<replicates {
                    let stream = UInt64(scenarioIndex) << 40 | UInt64(kIndex) << 32 | UInt64(replicate)
                    var random = SeededRandom(seed: seed, stream: stream)
                    let injected = try makeSeries(scenario, k: k, using: &random)
                    outcome.seriesCount += 1
                    guard let series = try? CountSeries(counts: injected.counts, frequency: scenario.model.frequency) else { continue }
                    for algorithm in algorithms {
                        let alarms: [Bool?]
                        do {
                            alarms = try algorithm.alarms(series, range: scenario.evaluated)
                        } catch {
                            outcome.failures.append("\(algorithm.rawValue), \(scenario.name), k=\(k), replicate \(replicate): \(error)")
                            continue
                        }
                        var single = DetectionPerformance()
                        try single.record(alarms: alarms, evaluated: scenario.evaluated, outbreaks: injected.outbreaks)
                        outcome.performance[algorithm, default: DetectionPerformance()].merge(single)
                        outcome.byScenario[scenario.name, default: [:]][algorithm, default: DetectionPerformance()].merge(single)
                    }
                }
                progress("\(scenario.name), k = \(Int(k)): \(replicates) series")
            }
        }
        return outcome
    }

    /// One series: the baseline, outbreaks in the history, and the scored outbreak of size `k` standard
    /// deviations placed wholly inside the evaluated time points.
    private func makeSeries(_ scenario: StudyScenario, k: Double, using random: inout SeededRandom) throws(EvaluationError) -> InjectedSeries {
        let baseline = try SyntheticSeries.baseline(scenario.model, length: scenario.length, using: &random)
        var plans: [OutbreakPlan] = []
        for _ in 0..<scenario.historyOutbreaks {
            let length = random.integer(in: scenario.outbreakLengths)
            let start = random.integer(in: 0...(scenario.evaluated.lowerBound - length - 1))
            let pastK = Self.sizeMultipliers[random.integer(in: 0...(Self.sizeMultipliers.count - 1))]
            plans.append(OutbreakPlan(start: start, length: length, size: .standardDeviations(pastK, of: scenario.model, at: start), label: "history"))
        }
        let length = random.integer(in: scenario.outbreakLengths)
        let start = random.integer(in: scenario.evaluated.lowerBound...(scenario.evaluated.upperBound - length + 1))
        plans.append(OutbreakPlan(start: start, length: length, size: .standardDeviations(k, of: scenario.model, at: start), label: "k=\(Int(k))"))
        return try OutbreakInjection.inject(plans, into: baseline, using: &random)
    }
}
