import Foundation

/// The original Farrington algorithm (Farrington et al. 1996) exactly as R's
/// `surveillance::algo.farrington` (version 1.20.3) computes it.
///
/// For each evaluated time point `t`:
/// 1. The reference values are the counts at `t - i·frequency + d` for `i = 1...b` and
///    `d = -w...w` (those before the start of the series are left out, as R does with a warning).
/// 2. A quasi-Poisson model `log mu = a + β·time` is fitted by IRLS; `phi = max(1, Pearson/(n-p))`.
///    With `reweight`, the model is refitted with weights `gamma·s⁻²` for Anscombe residuals
///    `s > 1` (and `gamma` otherwise).
/// 3. The trend is kept only if its t-test p-value is below 0.05, `b >= 3` and the predicted value
///    at `t` does not exceed the largest reference value; otherwise the model is refitted without it.
/// 4. The upper bound is the upper end of the two-sided `1 - alpha` interval
///    `(mu0^e ± qnorm(1 - alpha/2)·sd)^(1/e)` on the power-transformed scale, with
///    `sd² = c²·mu0^(2e-1)·(phi + var(mu0)/mu0)` from the delta method (`var(mu0)` from the model,
///    scaled with `phi`).
/// 5. An alarm needs the `limit54` rule; without it the upper bound and score are reported as 0.
public enum Farrington {
    /// Runs the algorithm over a series.
    ///
    /// - Throws: ``OutbreakDetectionError/invalidOption(_:)`` for settings out of range,
    ///   ``OutbreakDetectionError/notEnoughHistory(algorithm:firstIndex:needed:)`` when a time point has
    ///   no reference value at all, ``OutbreakDetectionError/populationRequired(algorithm:)``,
    ///   ``OutbreakDetectionError/modelDidNotConverge(index:)`` (only with `fitFunction` `.glm` or
    ///   `.populationOffset`, where R returns no result), ``OutbreakDetectionError/modelFitFailed(index:reason:)``.
    public static func detect(_ series: CountSeries, options: FarringtonOptions = FarringtonOptions()) throws(OutbreakDetectionError) -> FarringtonResult {
        try validate(options)
        let freq = series.frequency
        let name = "Farrington with b=\(options.b), w=\(options.w)"
        let range: ClosedRange<Int>
        if let given = options.range {
            range = given
        } else {
            let first = freq * options.b - options.w - 1
            guard first >= 0, first < series.count else {
                throw .notEnoughHistory(
                    algorithm: name, firstIndex: max(first, 0),
                    needed: series.history(years: options.b, points: freq * options.b - options.w - 1))
            }
            range = first...(series.count - 1)
        }
        guard range.lowerBound >= 0, range.upperBound < series.count else {
            throw .rangeOutOfBounds(range: range, count: series.count)
        }
        if options.fitFunction == .populationOffset && series.population == nil {
            throw .populationRequired(algorithm: name)
        }

        let observed = series.observed
        let population = series.populationOrOne
        let z = NormalDistribution.quantile(1 - options.alpha / 2)
        var points: [FarringtonTimePoint] = []
        points.reserveCapacity(range.count)

        for k in range {
            let rIndex = k + 1
            var wtime: [Int] = []   // R's 1-based indices
            var all = 0
            for i in stride(from: options.b, through: 1, by: -1) {
                for d in -options.w...options.w {
                    all += 1
                    let t = rIndex - freq * i + d
                    if t > 0 { wtime.append(t) }
                }
            }
            guard !wtime.isEmpty else {
                throw .notEnoughHistory(algorithm: name, firstIndex: k, needed: "at least one reference value \(freq) \(series.periodWords.plural) back")
            }
            let data = FarringtonData(
                response: wtime.map { observed[$0 - 1] },
                wtime: wtime.map(Double.init),
                population: wtime.map { population[$0 - 1] },
                seasonalGroups: nil)

            guard var model = try fitModel(data, trend: options.trend, options: options, index: k) else {
                throw .modelDidNotConverge(index: k)
            }
            var doTrend = options.trend
            if model.glm.hasColumn("wtime") {
                let p = model.glm.pValue(of: "wtime", dispersion: model.summaryDispersion) ?? .nan
                let significant = p < 0.05
                let mu0Hat = model.glm.predictResponse(
                    model.row(wtime: Double(rIndex), seasonalGroup: 0),
                    offset: offsetAt(k, model: model, population: population), dispersion: model.phi).fit
                let noExtrapolation = mu0Hat <= (data.response.max() ?? 0)
                if !(options.b >= 3 && significant && noExtrapolation) {
                    doTrend = false
                    guard let refit = try fitModel(data, trend: false, options: options, index: k) else {
                        throw .modelDidNotConverge(index: k)
                    }
                    model = refit
                }
            } else {
                doTrend = false
            }
            let prediction = model.glm.predictResponse(
                model.row(wtime: Double(rIndex), seasonalGroup: 0),
                offset: offsetAt(k, model: model, population: population), dispersion: model.phi)
            let threshold = FarringtonThreshold.Delta(
                mu0: prediction.fit, standardError: prediction.standardError, phi: model.phi,
                transform: options.powerTransform, z: z)
            let enoughCases = options.limit54.isMet(series.counts, at: k)
            let score = enoughCases ? (observed[k] - prediction.fit) / (threshold.upper - prediction.fit) : 0
            points.append(FarringtonTimePoint(
                index: k, observed: series.counts[k], expected: prediction.fit,
                upperbound: enoughCases ? threshold.upper : 0, lowerbound: threshold.lower,
                score: score, alarm: score > 1, trend: doTrend,
                probability: threshold.lowerTailProbability(observed[k]), phi: model.phi,
                missingReferenceValues: all - wtime.count))
        }
        var used = options
        used.range = range
        return FarringtonResult(options: used, points: points)
    }

    static func validate(_ options: FarringtonOptions) throws(OutbreakDetectionError) {
        guard options.b >= 1 else { throw .invalidOption("b is \(options.b): at least one past year is needed") }
        guard options.w >= 0 else { throw .invalidOption("w is \(options.w): the window half-width cannot be negative") }
        guard options.alpha > 0, options.alpha < 1 else {
            throw .invalidOption("alpha is \(options.alpha): it must lie between 0 and 1")
        }
        try options.limit54.validate()
    }

    private static func offsetAt(_ k: Int, model: FarringtonFit, population: [Double]) -> Double {
        model.terms.populationOffset ? log(population[k]) : 0
    }

    /// R's three fitting functions of `algo.farrington`; `nil` where R's function returns NULL.
    private static func fitModel(
        _ data: FarringtonData, trend: Bool, options: FarringtonOptions, index: Int
    ) throws(OutbreakDetectionError) -> FarringtonFit? {
        let terms = FarringtonModelTerms(trend: trend, populationOffset: options.fitFunction == .populationOffset, seasonalFactor: false)
        var first = try FarringtonModel.fit(data, terms: terms, index: index)
        var firstTerms = terms
        var reweightTerms = terms
        switch options.fitFunction {
        case .fast:
            // glm.fit on the design; without convergence and with a trend, drop the trend and go on.
            if !first.glm.converged && trend {
                firstTerms.trend = false
                reweightTerms.trend = false
                first = try FarringtonModel.fit(data, terms: firstTerms, index: index)
            }
        case .glm:
            if !first.glm.converged {
                if trend {
                    firstTerms.trend = false
                    reweightTerms.trend = false
                    first = try FarringtonModel.fit(data, terms: firstTerms, index: index)
                }
                if !first.glm.converged { return nil }
            }
        case .populationOffset:
            // R refits `response ~ 1` without the offset, but reweights with the original formula.
            if !first.glm.converged {
                if trend {
                    firstTerms = FarringtonModelTerms(trend: false, populationOffset: false, seasonalFactor: false)
                    first = try FarringtonModel.fit(data, terms: firstTerms, index: index)
                }
                if !first.glm.converged { return nil }
            }
        }
        return try FarringtonModel.reweighted(
            data, first: first, reweightTerms: reweightTerms, firstTerms: firstTerms,
            reweight: options.reweight, weightsThreshold: 1, index: index)
    }
}
