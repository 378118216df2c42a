import Foundation
import Testing
@testable import OutbreakDetection

@Suite("synthetic series, outbreak injection and detection performance")
struct EvaluationTests {
    // MARK: - Random numbers

    @Test("the generator is xoshiro256** seeded by SplitMix64 (values from an independent implementation)")
    func referenceSequence() {
        var random = SeededRandom(seed: 42)
        #expect(random.next() == 0x1578_0B2E_0C2E_C716)
        #expect(random.next() == 0x6104_D986_6D11_3A7E)
        #expect(random.next() == 0xAE17_5332_39E4_99A1)
        var zero = SeededRandom(seed: 0)
        #expect(zero.next() == 0x99EC_5F36_CB75_F2B4)
        #expect(zero.next() == 0xBF6E_1F78_4956_452A)
    }

    @Test("bounded integers stay in range and are uniform, also for full and single-value ranges")
    func boundedIntegers() {
        var random = SeededRandom(seed: 3)
        var histogram = Array(repeating: 0, count: 7)
        var outside = 0
        for _ in 0..<70_000 {
            let value = random.integer(in: -3...3)
            if (-3...3).contains(value) { histogram[value + 3] += 1 } else { outside += 1 }
        }
        #expect(outside == 0)
        #expect(histogram.allSatisfy { abs($0 - 10_000) < 400 })
        #expect(random.integer(in: 5...5) == 5)
        _ = random.integer(in: Int.min...Int.max)
    }

    @Test("the same seed gives the same series, another seed or stream another series")
    func determinism() throws {
        let model = BaselineModel(intercept: log(8), trend: 0.001, dispersion: 2)
        let first = try SyntheticSeries.baseline(model, length: 364, seed: 7)
        let again = try SyntheticSeries.baseline(model, length: 364, seed: 7)
        let other = try SyntheticSeries.baseline(model, length: 364, seed: 8)
        #expect(first == again)
        #expect(first != other)
        #expect(SeededRandom(seed: 7, stream: 1) != SeededRandom(seed: 7, stream: 2))
        #expect(SeededRandom(seed: 7, stream: 1) == SeededRandom(seed: 7, stream: 1))

        func injected(_ seed: UInt64) throws -> InjectedSeries {
            var random = SeededRandom(seed: seed)
            let baseline = try SyntheticSeries.baseline(model, length: 100, using: &random)
            let plan = OutbreakPlan(start: 50, length: 5, size: .standardDeviations(5, of: model, at: 50))
            return try OutbreakInjection.inject([plan], into: baseline, using: &random)
        }
        #expect(try injected(3) == injected(3))
        #expect(try injected(3) != injected(4))
    }

    @Test("Poisson, negative binomial and gamma draws have the requested mean and variance")
    func distributions() {
        var random = SeededRandom(seed: 2024)
        func moments(_ draw: (inout SeededRandom) -> Double) -> (mean: Double, variance: Double) {
            let values = (0..<40_000).map { _ in draw(&random) }
            let mean = values.reduce(0, +) / Double(values.count)
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
            return (mean, variance)
        }
        // Small means use inversion, large ones Hörmann's rejection method: check both.
        let small = moments { Double($0.poisson(mean: 3.5)) }
        #expect(abs(small.mean - 3.5) < 0.05 && abs(small.variance - 3.5) < 0.15)
        let large = moments { Double($0.poisson(mean: 250)) }
        #expect(abs(large.mean - 250) < 0.5 && abs(large.variance / 250 - 1) < 0.05)
        let negativeBinomial = moments { Double($0.negativeBinomial(mean: 10, dispersion: 3)) }
        #expect(abs(negativeBinomial.mean - 10) < 0.15 && abs(negativeBinomial.variance / 30 - 1) < 0.06)
        let gamma = moments { $0.gamma(shape: 0.4, scale: 5) }
        #expect(abs(gamma.mean - 2) < 0.05 && abs(gamma.variance / 10 - 1) < 0.08)
        #expect(random.poisson(mean: 0) == 0)
        #expect(random.negativeBinomial(mean: 0, dispersion: 2) == 0)
    }

    // MARK: - Baseline model

    @Test("the baseline model is Noufaily's formula, with weekday factors for daily data")
    func baselineModel() throws {
        let model = BaselineModel(intercept: 1.5, trend: 0.01, seasonalCosine: 0.3, seasonalSine: -0.2, harmonics: 2, dispersion: 2)
        let t = 13
        let angle = 2 * Double.pi * Double(t) / 52
        let eta = 1.5 + 0.01 * 13 + 0.3 * cos(angle) - 0.2 * sin(angle) + 0.3 * cos(2 * angle) - 0.2 * sin(2 * angle)
        #expect(abs(model.expected(at: t) - exp(eta)) < 1e-12)
        #expect(abs(model.standardDeviation(at: t) - (2 * exp(eta)).squareRoot()) < 1e-12)

        let daily = BaselineModel(intercept: log(10), harmonics: 0, frequency: 365, weekdayFactors: [1, 1, 1, 1, 1, 0.5, 0.5])
        #expect(abs(daily.expected(at: 5) - 5) < 1e-12)
        #expect(abs(daily.expected(at: 7) - 10) < 1e-12)

        #expect(throws: EvaluationError.self) { try BaselineModel(dispersion: 0.5).validate() }
        #expect(throws: EvaluationError.self) { try BaselineModel(weekdayFactors: [1, 2]).validate() }
        #expect(throws: EvaluationError.self) { try SyntheticSeries.baseline(BaselineModel(), length: -1, seed: 1) }
    }

    @Test("a rare disease gives many zero weeks and a common one none")
    func lowCountsAndZeros() throws {
        let rare = try SyntheticSeries.baseline(BaselineModel(intercept: log(0.3), harmonics: 0), length: 1000, seed: 1)
        let zeros = rare.count(where: { $0 == 0 })
        #expect(zeros > 680 && zeros < 800) // exp(-0.3) = 74 % zeros expected
        let common = try SyntheticSeries.baseline(BaselineModel(intercept: log(200), harmonics: 0, dispersion: 1.5), length: 200, seed: 1)
        #expect(!common.contains(0))
    }

    // MARK: - Outbreak injection

    @Test("injected cases add up to the requested size and land inside the outbreak")
    func injectedCasesAddUp() throws {
        var random = SeededRandom(seed: 11)
        let baseline = try SyntheticSeries.baseline(BaselineModel(), length: 120, using: &random)
        let plans = [
            OutbreakPlan(start: 30, length: 4, size: .cases(57), profile: .lognormal(sdLog: 0.5), label: "a"),
            OutbreakPlan(start: 100, length: 6, size: .cases(13), profile: .uniform, label: "b"),
        ]
        let injected = try OutbreakInjection.inject(plans, into: baseline, using: &random)
        #expect(injected.outbreaks.map(\.size) == [57, 13])
        #expect(injected.outbreaks.map(\.length) == [4, 6])
        #expect(injected.outbreaks.map(\.label) == ["a", "b"])
        let extra = zip(injected.counts, injected.baseline).map { $0 - $1 }
        #expect(extra.reduce(0, +) == 70)
        for t in 0..<120 where !injected.isOutbreak(at: t) {
            #expect(extra[t] == 0)
        }
        #expect(Array(extra[30..<34]) == injected.outbreaks[0].cases)
        #expect(injected.isOutbreak(at: 33) && !injected.isOutbreak(at: 34))
    }

    @Test("an outbreak of k standard deviations has about k·sd cases, and at least one")
    func sizeInStandardDeviations() throws {
        let model = BaselineModel(intercept: log(20), harmonics: 0, dispersion: 2)
        var random = SeededRandom(seed: 5)
        let sizes = try (0..<2000).map { _ in
            try Outbreak.draw(OutbreakPlan(start: 0, length: 3, size: .standardDeviations(5, of: model, at: 0)), using: &random).size
        }
        let mean = Double(sizes.reduce(0, +)) / Double(sizes.count)
        #expect(abs(mean - 5 * 40.0.squareRoot()) < 0.5)
        let tiny = try (0..<200).map { _ in try Outbreak.draw(OutbreakPlan(start: 0, length: 2, size: .poisson(mean: 0.01)), using: &random).size }
        #expect(tiny.allSatisfy { $0 == 1 })
    }

    @Test("the lognormal profile rises fast and tails off; the uniform one is flat")
    func profiles() {
        let weights = OutbreakProfile.lognormal(sdLog: 0.5).weights(length: 8)
        #expect(abs(weights.reduce(0, +) - 1) < 1e-12)
        let peak = weights.indices.max { weights[$0] < weights[$1] } ?? -1
        #expect(peak > 0 && peak < 4)
        #expect(weights[7] < weights[peak] / 5)
        #expect(OutbreakProfile.uniform.weights(length: 4) == [0.25, 0.25, 0.25, 0.25])
        #expect(OutbreakProfile.lognormal(sdLog: 0.5).weights(length: 1) == [1])
    }

    @Test("outbreaks outside the series and invalid plans are refused")
    func invalidOutbreaks() throws {
        var random = SeededRandom(seed: 1)
        #expect(throws: EvaluationError.outbreakOutsideSeries(start: 8, length: 3, seriesLength: 10)) {
            try OutbreakInjection.inject([OutbreakPlan(start: 8, length: 3, size: .cases(5))], into: Array(repeating: 1, count: 10), using: &random)
        }
        #expect(throws: EvaluationError.self) { try Outbreak.draw(OutbreakPlan(start: 0, length: 0, size: .cases(5)), using: &random) }
        #expect(throws: EvaluationError.self) { try Outbreak.draw(OutbreakPlan(start: 0, length: 2, size: .cases(-1)), using: &random) }
        #expect(throws: EvaluationError.self) {
            try Outbreak.draw(OutbreakPlan(start: 0, length: 2, size: .cases(1), profile: .lognormal(sdLog: 0)), using: &random)
        }
    }

    // MARK: - Metrics

    @Test("metrics on a hand-made alarm vector")
    func handMadeAlarms() throws {
        // Evaluated 10...21. Outbreak A at 12...14 (alarm at 13: delay 1), B at 17...18 (no alarm),
        // C at 8...10 starts before the evaluated range (not scored, its period 10 not a quiet one).
        let alarms: [Bool?] = [
            false, false, false, true, false, // 10 (C), 11, 12 (A), 13 (A), 14 (A)
            true, false, false, false, true,  // 15 false alarm, 16, 17 (B), 18 (B), 19 false alarm
            nil, false,                       // 20 undetermined, 21
        ]
        let outbreaks = [
            Outbreak(start: 12, cases: [3, 4, 1], label: "k=3"),
            Outbreak(start: 17, cases: [1, 1], label: "k=2"),
            Outbreak(start: 8, cases: [2, 2, 2], label: "k=3"),
        ]
        var performance = DetectionPerformance()
        try performance.record(alarms: alarms, evaluated: 10...21, outbreaks: outbreaks)
        #expect(performance.outcomes.map(\.delay) == [1, nil])
        #expect(performance.outcomes.map(\.size) == [8, 2])
        #expect(performance.sensitivity == 0.5)
        #expect(performance.nonOutbreakPeriods == 5) // 11, 15, 16, 19, 21 (10 is C's, 20 undetermined)
        #expect(performance.falseAlarms == 2)
        #expect(performance.undeterminedPeriods == 1)
        #expect(performance.medianDelay == 1)
        #expect(performance.meanDelay == 1)

        // A second series: an outbreak caught at its start (delay 0) and one caught on its fourth day (3).
        try performance.record(
            alarms: [true, false, false, false, false, false, true],
            evaluated: 0...6,
            outbreaks: [Outbreak(start: 0, cases: [5], label: "k=3"), Outbreak(start: 3, cases: [0, 1, 1, 9], label: "k=2")])
        #expect(performance.delays == [0, 1, 3])
        #expect(performance.medianDelay == 1)
        #expect(abs((performance.meanDelay ?? 0) - 4.0 / 3.0) < 1e-12)
        #expect(performance.sensitivity == 0.75)
        #expect(performance.nonOutbreakPeriods == 7)
        #expect(performance.falseAlarmRate == 2.0 / 7.0)
        let byLabel = performance.detectionByLabel()
        #expect(byLabel.map(\.label) == ["k=3", "k=2"])
        #expect(byLabel.map(\.detection) == [Proportion(successes: 2, trials: 2), Proportion(successes: 1, trials: 2)])
        let bySize = performance.detectionBySize(bounds: [5, 10])
        #expect(bySize.map(\.sizes) == ["≤ 4", "5–9", "≥ 10"])
        #expect(bySize.map(\.detection) == [
            Proportion(successes: 0, trials: 1), Proportion(successes: 2, trials: 2), Proportion(successes: 1, trials: 1),
        ])
    }

    @Test("merged records, the median of an even number of delays, mismatched alarms")
    func evenMedianAndMerge() throws {
        var first = DetectionPerformance()
        try first.record(alarms: [false, true, false, false], evaluated: 0...3, outbreaks: [Outbreak(start: 0, cases: [1, 1])])
        var second = DetectionPerformance()
        try second.record(alarms: [false, false, false, true], evaluated: 0...3, outbreaks: [Outbreak(start: 0, cases: [1, 1, 1, 1])])
        first.merge(second)
        #expect(first.delays == [1, 3])
        #expect(first.medianDelay == 2)
        #expect(first.nonOutbreakPeriods == 2 && first.falseAlarms == 0)
        #expect(DetectionPerformance().sensitivity == nil && DetectionPerformance().medianDelay == nil)
        #expect(throws: EvaluationError.self) {
            try first.record(alarms: [true], evaluated: 0...3, outbreaks: [])
        }
    }

    @Test("Wilson intervals")
    func wilson() throws {
        let none = try #require(Proportion(successes: 0, trials: 10).wilsonInterval)
        #expect(none.lowerBound == 0 && abs(none.upperBound - 0.27753) < 1e-5)
        let half = try #require(Proportion(successes: 5, trials: 10).wilsonInterval)
        #expect(abs(half.lowerBound - 0.23659) < 1e-5 && abs(half.upperBound - 0.76341) < 1e-5)
        #expect(Proportion(successes: 0, trials: 0).wilsonInterval == nil)
    }

    // MARK: - With the algorithms

    @Test("a huge outbreak is always detected, by every algorithm")
    func hugeOutbreakSensitivity() throws {
        var weekly = DetectionPerformance(), flexible = DetectionPerformance(), ears = DetectionPerformance()
        let weeklyModel = BaselineModel(intercept: log(5), dispersion: 1.5)
        let dailyModel = BaselineModel(intercept: log(5), harmonics: 0, dispersion: 1.5, frequency: 365)
        for replicate in 0..<10 {
            var random = SeededRandom(seed: 99, stream: UInt64(replicate))
            let start = random.integer(in: 312...360)
            let baseline = try SyntheticSeries.baseline(weeklyModel, length: 364, using: &random)
            let plan = OutbreakPlan(start: start, length: 3, size: .cases(600))
            let injected = try OutbreakInjection.inject([plan], into: baseline, using: &random)
            let series = try CountSeries(counts: injected.counts)
            let farrington = try Farrington.detect(series, options: FarringtonOptions(range: 312...363))
            try weekly.record(alarms: farrington.points.map(\.alarm), evaluated: 312...363, outbreaks: injected.outbreaks)
            var options = FarringtonFlexibleOptions.noufaily()
            options.range = 312...363
            let noufaily = try FarringtonFlexible.detect(series, options: options)
            try flexible.record(alarms: noufaily.points.map(\.alarm), evaluated: 312...363, outbreaks: injected.outbreaks)

            let daily = try SyntheticSeries.baseline(dailyModel, length: 60, using: &random)
            let dailyInjected = try OutbreakInjection.inject([OutbreakPlan(start: 40, length: 4, size: .cases(400))], into: daily, using: &random)
            let c1 = try EARS.detect(try CountSeries(counts: dailyInjected.counts, frequency: 365), options: EARSOptions(method: .c1, range: 20...59))
            try ears.record(alarms: c1.points.map(\.alarm), evaluated: 20...59, outbreaks: dailyInjected.outbreaks)
        }
        for performance in [weekly, flexible, ears] {
            #expect(performance.outcomes.count == 10)
            #expect(performance.sensitivity == 1)
            #expect(performance.medianDelay == 0)
        }
    }

    @Test("a constant series raises no false alarm")
    func constantSeriesFalseAlarms() throws {
        let series = try CountSeries(counts: Array(repeating: 4, count: 364))
        var performance = DetectionPerformance()
        let c1 = try EARS.detect(series, options: EARSOptions(method: .c1, range: 312...363))
        try performance.record(alarms: c1.points.map(\.alarm), evaluated: 312...363, outbreaks: [])
        let farrington = try Farrington.detect(series, options: FarringtonOptions(range: 312...363))
        try performance.record(alarms: farrington.points.map(\.alarm), evaluated: 312...363, outbreaks: [])
        var options = FarringtonFlexibleOptions.noufaily()
        options.range = 312...363
        let flexible = try FarringtonFlexible.detect(series, options: options)
        try performance.record(alarms: flexible.points.map(\.alarm), evaluated: 312...363, outbreaks: [])
        #expect(performance.nonOutbreakPeriods == 3 * 52)
        #expect(performance.falseAlarms == 0)
        #expect(performance.falseAlarmRate == 0)
        #expect(performance.sensitivity == nil)
    }

    @Test("pure noise raises false alarms at roughly the nominal rate")
    func falseAlarmsOnNoise() throws {
        var quiet = DetectionPerformance()
        var random = SeededRandom(seed: 31)
        for _ in 0..<20 {
            let counts = try SyntheticSeries.baseline(BaselineModel(intercept: log(30), harmonics: 0), length: 364, using: &random)
            var options = FarringtonFlexibleOptions.noufaily()
            options.range = 312...363
            let result = try FarringtonFlexible.detect(try CountSeries(counts: counts), options: options)
            try quiet.record(alarms: result.points.map(\.alarm), evaluated: 312...363, outbreaks: [])
        }
        let rate = try #require(quiet.falseAlarmRate)
        #expect(rate > 0 && rate < 0.15) // nominal one-sided 5 %
    }
}
