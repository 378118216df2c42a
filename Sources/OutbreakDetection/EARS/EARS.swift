/// The EARS C1, C2 and C3 methods exactly as R's `surveillance::earsC` (version 1.20.3) computes them.
///
/// For a time point `t` with baseline mean `m` and standard deviation `s = max(sd, minSigma)` of its
/// baseline, and `z = qnorm(1 - alpha)`:
///
/// - **C1** — baseline `t - baseline ... t - 1`; upper bound `m + z·s`.
/// - **C2** — baseline `t - baseline - 2 ... t - 3`; upper bound `m + z·s`.
/// - **C3** — R first computes the C2 statistic `C2(u) = (y(u) - m(u)) / s(u)` of every time point `u`
///   from `t - 2` on, each with *its own* C2 baseline. The upper bound at `t` is
///   `max(0, y(t) + s(t)·(z - [max(0, C2(t-2) - 1) + max(0, C2(t-1) - 1)]))`.
///   Because the bound is built around the observed count `y(t)` itself, the alarm `y(t) > bound`
///   fires exactly when the sum of the two lagged terms exceeds `z` (or, where the bound is clipped
///   to 0, when `y(t) > 0`); the current day's own C2 term, which the published definition
///   (Hutwagner et al. 2003: C3 = the sum over `t-2, t-1, t` of `max(0, C2 - 1)`) includes, does not
///   enter. ``EARSTimePoint/score`` is R's lagged sum; ``EARSTimePoint/publishedC3`` adds the
///   current term. R's default `alpha` for C3 is 0.025 when `alpha` is not given.
///
/// The alarm is `observed > upperbound`, NA (here `nil`) where the bound is NaN.
public enum EARS {
    /// Runs an EARS method over a series.
    ///
    /// - Throws: ``OutbreakDetectionError/invalidOption(_:)`` for a baseline below 3, a negative
    ///   `minSigma` or an `alpha` outside (0, 1); ``OutbreakDetectionError/notEnoughHistory(algorithm:firstIndex:needed:)``
    ///   when the first evaluated time point has fewer than ``EARSOptions/maximumLag`` time points before it;
    ///   ``OutbreakDetectionError/rangeOutOfBounds(range:count:)``.
    public static func detect(_ series: CountSeries, options: EARSOptions = EARSOptions()) throws(OutbreakDetectionError) -> EARSResult {
        guard options.minSigma >= 0 else {
            throw .invalidOption("minSigma is \(options.minSigma): the minimum standard deviation must not be negative")
        }
        guard options.baseline >= 3 else {
            throw .invalidOption("baseline is \(options.baseline): EARS needs a baseline of at least 3 time points")
        }
        let alpha = options.effectiveAlpha
        guard alpha > 0, alpha < 1 else {
            throw .invalidOption("alpha is \(alpha): the false-alarm probability must lie between 0 and 1")
        }
        let maxLag = options.maximumLag
        let name = "EARS \(options.method.rawValue) with baseline \(options.baseline)"
        let range: ClosedRange<Int>
        if let given = options.range {
            range = given
        } else {
            guard series.count - 1 >= maxLag else {
                throw .notEnoughHistory(algorithm: name, firstIndex: maxLag, needed: "\(maxLag) earlier \(series.periodWords.plural)")
            }
            range = maxLag...(series.count - 1)
        }
        guard range.lowerBound >= 0, range.upperBound < series.count else {
            throw .rangeOutOfBounds(range: range, count: series.count)
        }
        guard range.lowerBound - maxLag >= 0 else {
            throw .notEnoughHistory(algorithm: name, firstIndex: range.lowerBound, needed: "\(maxLag) earlier \(series.periodWords.plural)")
        }

        let y = series.observed
        let z = NormalDistribution.quantile(1 - alpha)
        let baseline = options.baseline
        let minSigma = options.minSigma

        // Mean and sigma of the baseline of time point t for C1 (guard 0) or C2/C3 (guard 2).
        func baselineStatistics(_ t: Int, guardBand: Int) -> (mean: Double, sigma: Double) {
            let values = y[(t - baseline - guardBand)...(t - 1 - guardBand)]
            let mean = SampleStatistics.mean(values)
            let sigma = SampleStatistics.pmax(SampleStatistics.standardDeviation(values), minSigma)
            return (mean, sigma)
        }

        var points: [EARSTimePoint] = []
        points.reserveCapacity(range.count)
        switch options.method {
        case .c1, .c2:
            let guardBand = options.method == .c1 ? 0 : 2
            for t in range {
                let (mean, sigma) = baselineStatistics(t, guardBand: guardBand)
                let bound = mean + z * sigma
                let statistic = (y[t] - mean) / sigma
                points.append(EARSTimePoint(
                    index: t, observed: series.counts[t], expected: mean, sigma: sigma,
                    score: statistic, currentC2: statistic,
                    upperbound: bound.isNaN ? nil : bound, alarm: bound.isNaN ? nil : y[t] > bound))
            }
        case .c3:
            // C2 statistics from t - 2 of the first evaluated time point on, each with its own baseline.
            let first = range.lowerBound - 2
            let stats = (first...range.upperBound).map { baselineStatistics($0, guardBand: 2) }
            let c2 = zip(first...range.upperBound, stats).map { u, s in (y[u] - s.mean) / s.sigma }
            for t in range {
                let position = t - first
                let s = stats[position]
                let lagged = SampleStatistics.pmax(0, c2[position - 2] - 1) + SampleStatistics.pmax(0, c2[position - 1] - 1)
                let bound = SampleStatistics.pmax(0, y[t] + s.sigma * (z - lagged))
                points.append(EARSTimePoint(
                    index: t, observed: series.counts[t], expected: s.mean, sigma: s.sigma,
                    score: lagged, currentC2: c2[position],
                    upperbound: bound.isNaN ? nil : bound, alarm: bound.isNaN ? nil : y[t] > bound))
            }
        }
        return EARSResult(options: options, threshold: z, points: points)
    }
}
