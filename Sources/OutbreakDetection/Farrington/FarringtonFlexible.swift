import Foundation

/// R's `surveillance::farringtonFlexible` (version 1.20.3): the Farrington algorithm with the
/// improvements of Noufaily et al. (2013) as options, for a series without dates.
///
/// For each evaluated time point `t` (see ``FarringtonFlexibleOptions`` for the settings):
/// 1. Reference data: with `noPeriods = 1` the windows `t - i·freq ± w` (`i = 1...b`); with more
///    periods every time point from the oldest window on, with a seasonal factor (``SeasonalBlocks``).
///    The last `pastWeeksNotIncluded + 1` time points up to `t` are left out.
/// 2. A quasi-Poisson model `log mu = a [+ β·time] [+ log(population)] [+ season]` is fitted by IRLS;
///    without convergence it is refitted without the trend, and without convergence again the time
///    point gets no result (NA in R). `phi = max(1, Pearson/(n-p))`. With `reweight` the model is
///    refitted with weights from the Anscombe residuals above `weightsThreshold`.
/// 3. The trend is kept if its p-value is below `pThresholdTrend`, `b >= 3` and the prediction at
///    `t` does not exceed the largest reference value; otherwise the whole fit is redone without it.
/// 4. The threshold: `delta` as in ``Farrington`` but one-sided (`qnorm(1 - alpha)`) and with the
///    prediction's standard error from the *unbounded* Pearson dispersion (R passes `phi` to
///    `predict.glm` inside `newdata`, where it has no effect); `nbPlugin`/`muan` the `1 - alpha`
///    quantile of a negative binomial with mean `exp(eta)` (`nbPlugin`) or
///    `exp(qnorm(1 - alpha, eta, se(eta)))` (`muan`) and size `mean/(phi - 1)` (Poisson if `phi = 1`).
/// 5. The score is `(y - prediction) / (upperbound - prediction)` (for `nbPlugin`/`muan` R uses the
///    log-scale prediction here); the alarm needs `score > 1`, the `limit54` rule and `y > 0`.
public enum FarringtonFlexible {
    /// Runs the algorithm over a series.
    ///
    /// - Throws: ``OutbreakDetectionError/invalidOption(_:)`` for settings out of range,
    ///   ``OutbreakDetectionError/notEnoughHistory(algorithm:firstIndex:needed:)`` when the first
    ///   evaluated time point has fewer than `b` years before it,
    ///   ``OutbreakDetectionError/populationRequired(algorithm:)``,
    ///   ``OutbreakDetectionError/modelFitFailed(index:reason:)`` where R's `glm` stops with an error.
    public static func detect(
        _ series: CountSeries, options: FarringtonFlexibleOptions = FarringtonFlexibleOptions()
    ) throws(OutbreakDetectionError) -> FarringtonFlexibleResult {
        try validate(options)
        let freq = series.frequency
        let name = "farringtonFlexible with b=\(options.b), w=\(options.w)"
        let range: ClosedRange<Int>
        if let given = options.range {
            range = given
        } else {
            let first = freq * options.b + options.w
            guard first < series.count else {
                throw .notEnoughHistory(
                    algorithm: name, firstIndex: first,
                    needed: series.history(years: options.b, points: first))
            }
            range = first...(series.count - 1)
        }
        guard range.lowerBound >= 0, range.upperBound < series.count else {
            throw .rangeOutOfBounds(range: range, count: series.count)
        }
        if options.populationOffset && series.population == nil {
            throw .populationRequired(algorithm: name)
        }
        let observed = series.observed
        let population = series.populationOrOne
        let pastWeeks = options.effectivePastWeeksNotIncluded
        let terms = FarringtonModelTerms(trend: options.trend, populationOffset: options.populationOffset, seasonalFactor: options.noPeriods != 1)
        let zDelta = NormalDistribution.quantile(1 - options.alpha)

        var points: [FarringtonFlexibleTimePoint] = []
        points.reserveCapacity(range.count)
        for k in range {
            let data = try SeasonalBlocks.referenceData(
                series: series, at: k, b: options.b, w: options.w, noPeriods: options.noPeriods,
                pastWeeksNotIncluded: pastWeeks, algorithm: name)
            guard !data.response.isEmpty else {
                throw .notEnoughHistory(algorithm: name, firstIndex: k, needed: "reference values outside the last \(pastWeeks + 1) \(series.periodWords.plural)")
            }
            let offset = options.populationOffset ? log(population[k]) : 0
            let wtimeNow = Double(k + 1)

            guard var model = try fitModel(data, terms: terms, options: options, index: k) else {
                points.append(FarringtonFlexibleTimePoint(
                    index: k, observed: series.counts[k], expected: nil, upperbound: nil, score: nil, pValue: nil,
                    alarm: nil, trend: nil, trendCoefficient: nil, phi: nil, mu0: nil))
                continue
            }
            var doTrend = false
            if model.glm.hasColumn("wtime") {
                let row = try predictionRow(model, wtime: wtimeNow, options: options, index: k)
                let prediction = model.glm.predictResponse(row, offset: offset, dispersion: model.summaryDispersion)
                let p = model.glm.pValue(of: "wtime", dispersion: model.summaryDispersion) ?? .nan
                let significant = p < options.pThresholdTrend
                let noExtrapolation = prediction.fit <= (data.response.max() ?? 0)
                doTrend = options.b >= 3 && significant && noExtrapolation
                if !doTrend {
                    var withoutTrend = terms
                    withoutTrend.trend = false
                    guard let refit = try fitModel(data, terms: withoutTrend, options: options, index: k) else {
                        throw .modelFitFailed(index: k, reason: "the model without time trend did not converge")
                    }
                    model = refit
                }
            }
            let row = try predictionRow(model, wtime: wtimeNow, options: options, index: k)
            // R: predict.glm(..., newdata = data.frame(..., dispersion = phi)) - the dispersion is
            // a column of newdata, so predict.glm uses summary.glm's estimate (see summaryDispersion).
            let dispersion = model.summaryDispersion
            let y = observed[k]
            let enoughCases = options.limit54.isMet(series.counts, at: k)
            let upper: Double?
            let score: Double?
            let pValue: Double?
            let expectedValue: Double
            let mu0: Double
            switch options.thresholdMethod {
            case .delta:
                let prediction = model.glm.predictResponse(row, offset: offset, dispersion: dispersion)
                let threshold = FarringtonThreshold.Delta(
                    mu0: prediction.fit, standardError: prediction.standardError, phi: model.phi,
                    transform: options.powerTransform, z: zDelta)
                upper = threshold.upper.isNaN ? nil : threshold.upper
                score = upper.map { (y - prediction.fit) / ($0 - prediction.fit) }
                pValue = threshold.upperTailProbability(y)
                expectedValue = prediction.fit
                mu0 = exp(NormalDistribution.quantile(1 - options.alpha, mean: prediction.fit, sd: prediction.standardError))
            case .nbPlugin, .muan:
                let prediction = model.glm.predictLink(row, offset: offset, dispersion: dispersion)
                let threshold = FarringtonThreshold.Noufaily(
                    eta: prediction.fit, standardError: prediction.standardError, phi: model.phi,
                    alpha: options.alpha, method: options.thresholdMethod, observed: y)
                upper = threshold.upper.flatMap { $0.isNaN ? nil : $0 }
                score = upper.map { (y - prediction.fit) / ($0 - prediction.fit) }
                pValue = threshold.pValue
                expectedValue = exp(prediction.fit)
                mu0 = threshold.mean
            }
            let alarm: Bool
            if enoughCases, let score, !score.isNaN { alarm = score > 1 && y != 0 } else { alarm = false }
            points.append(FarringtonFlexibleTimePoint(
                index: k, observed: series.counts[k],
                expected: upper != nil && enoughCases ? expectedValue : nil,
                upperbound: enoughCases ? upper : nil,
                score: score.flatMap { $0.isNaN ? nil : $0 }, pValue: pValue.flatMap { $0.isNaN ? nil : $0 },
                alarm: alarm, trend: doTrend,
                trendCoefficient: doTrend ? model.glm.coefficient("wtime") : nil,
                phi: model.phi, mu0: mu0.isNaN ? nil : mu0))
        }
        var used = options
        used.range = range
        return FarringtonFlexibleResult(options: used, points: points)
    }

    static func validate(_ options: FarringtonFlexibleOptions) throws(OutbreakDetectionError) {
        guard options.b >= 1 else { throw .invalidOption("b is \(options.b): at least one past year is needed") }
        guard options.w >= 0 else { throw .invalidOption("w is \(options.w): the window half-width cannot be negative") }
        guard options.alpha > 0, options.alpha < 1 else {
            throw .invalidOption("alpha is \(options.alpha): it must lie between 0 and 1")
        }
        guard options.noPeriods >= 1 else { throw .invalidOption("noPeriods is \(options.noPeriods): at least 1 period is needed") }
        guard options.effectivePastWeeksNotIncluded >= 0 else {
            throw .invalidOption("pastWeeksNotIncluded is \(options.effectivePastWeeksNotIncluded): it cannot be negative")
        }
        guard !options.weightsThreshold.isNaN else { throw .invalidOption("weightsThreshold is not a number") }
        try options.limit54.validate()
    }

    /// The model-matrix row of the evaluated time point; its seasonal level is `noPeriods`.
    private static func predictionRow(
        _ model: FarringtonFit, wtime: Double, options: FarringtonFlexibleOptions, index: Int
    ) throws(OutbreakDetectionError) -> [Double] {
        if model.terms.seasonalFactor && !model.levels.contains(options.noPeriods) {
            throw .modelFitFailed(index: index, reason: "the current season's level \(options.noPeriods) is not among the reference weeks")
        }
        return model.row(wtime: wtime, seasonalGroup: options.noPeriods)
    }

    /// R's `algo.farrington.fitGLM.flexible`; `nil` where it returns NULL (no convergence).
    private static func fitModel(
        _ data: FarringtonData, terms: FarringtonModelTerms, options: FarringtonFlexibleOptions, index: Int
    ) throws(OutbreakDetectionError) -> FarringtonFit? {
        var modelTerms = terms
        var first = try FarringtonModel.fit(data, terms: modelTerms, index: index)
        if !first.glm.converged {
            if modelTerms.trend {
                modelTerms.trend = false
                first = try FarringtonModel.fit(data, terms: modelTerms, index: index)
            }
            if !first.glm.converged { return nil }
        }
        return try FarringtonModel.reweighted(
            data, first: first, reweightTerms: modelTerms, firstTerms: modelTerms,
            reweight: options.reweight, weightsThreshold: options.weightsThreshold, index: index,
            replacesWorkingWeights: true)
    }
}
