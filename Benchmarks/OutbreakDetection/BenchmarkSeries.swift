import Foundation
import OutbreakDetection

/// One weekly series of the speed benchmark: a disease in a region.
struct BenchmarkSeries: Sendable {
    let name: String
    let region: Int
    let disease: Int
    let counts: [Int]
}

/// The 1,200 weekly series of the speed benchmark (20 regions × 60 diseases, 7 years each), drawn
/// from seeded Noufaily-type models so that every run sees the same data.
///
/// Diseases differ in level (from 0.1 to about 150 cases a week: many series are mostly zeros),
/// seasonality (none, annual, annual and biannual), trend and over-dispersion; a region scales the
/// level by its size. About a third of the series carry one to three outbreaks (2–10 standard
/// deviations), some in the history that the algorithms must down-weight, some in the evaluated year.
enum BenchmarkData {
    static let regions = 20
    static let diseases = 60
    /// 7 years of weeks: the evaluated last year plus 6 years of history (b = 5 needs 5 years and 3 weeks).
    static let weeks = 7 * 52

    static func generate(seed: UInt64) throws(EvaluationError) -> [BenchmarkSeries] {
        var diseaseRandom = SeededRandom(seed: seed, stream: 1)
        let diseaseModels = (0..<diseases).map { _ in diseaseModel(using: &diseaseRandom) }
        var regionRandom = SeededRandom(seed: seed, stream: 2)
        let regionLogSizes = (0..<regions).map { _ in log(0.3) + regionRandom.uniform() * (log(3) - log(0.3)) }

        var series: [BenchmarkSeries] = []
        series.reserveCapacity(regions * diseases)
        for region in 0..<regions {
            for disease in 0..<diseases {
                var model = diseaseModels[disease]
                model.intercept += regionLogSizes[region]
                var random = SeededRandom(seed: seed, stream: 1000 + UInt64(region * diseases + disease))
                let baseline = try SyntheticSeries.baseline(model, length: weeks, using: &random)
                let plans = outbreakPlans(model: model, using: &random)
                let injected = try OutbreakInjection.inject(plans, into: baseline, using: &random)
                series.append(BenchmarkSeries(
                    name: String(format: "r%02d_d%02d", region + 1, disease + 1),
                    region: region + 1, disease: disease + 1, counts: injected.counts))
            }
        }
        return series
    }

    private static func diseaseModel(using random: inout SeededRandom) -> BaselineModel {
        // Log-uniform level: as many rare as common diseases, as in a notifiable-disease list.
        let level = exp(log(0.1) + random.uniform() * (log(150) - log(0.1)))
        let harmonics = [0, 1, 1, 2][random.integer(in: 0...3)]
        let trend = [0, 0, 0.001, -0.001, 0.002][random.integer(in: 0...4)]
        return BaselineModel(
            intercept: log(level), trend: trend,
            seasonalCosine: random.uniform() * 1.2 - 0.6, seasonalSine: random.uniform() * 1.2 - 0.6,
            harmonics: harmonics, dispersion: 1 + random.uniform() * 3, frequency: 52)
    }

    private static func outbreakPlans(model: BaselineModel, using random: inout SeededRandom) -> [OutbreakPlan] {
        guard random.uniform() < 1.0 / 3.0 else { return [] }
        return (0..<random.integer(in: 1...3)).map { _ in
            let length = random.integer(in: 1...6)
            let start = random.integer(in: 0...(weeks - length))
            let k = Double(random.integer(in: 2...10))
            return OutbreakPlan(start: start, length: length, size: .standardDeviations(k, of: model, at: start))
        }
    }
}
