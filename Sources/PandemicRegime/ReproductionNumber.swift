/// The time-varying reproduction number R of an epidemic from daily case counts, by the method of Cori, Ferguson,
/// Fraser & Cauchemez (2013, Am J Epidemiol 178:1505): for each window of `window` days ending on day t, with a
/// gamma prior on R, the posterior is gamma with shape `a + Σ I` and scale `1 / (1/b + Σ Λ)`, where Λ_t = Σ_s w_s
/// I_{t−s} is the infectiousness of the cases before. The same numbers as `EpiEstim::estimate_R(method =
/// "parametric_si")` with its default sliding weekly windows.
public struct ReproductionNumber: Sendable {
    /// One window's posterior.
    public struct Estimate: Sendable, Equatable {
        /// First and last day of the window (0-based indices into the series).
        public var firstDay: Int
        public var lastDay: Int
        /// Cases in the window.
        public var cases: Int
        public var mean: Double
        public var standardDeviation: Double
        public var lower: Double   // 2.5 %
        public var median: Double
        public var upper: Double   // 97.5 %
        /// The posterior's coefficient of variation is above what EpiEstim recommends (0.3): too few cases to judge.
        public var uncertain: Bool
    }

    public var serialInterval: SerialInterval
    /// Days per window (EpiEstim's default sliding window is a week).
    public var window: Int
    /// The gamma prior's mean and standard deviation (EpiEstim: 5 and 5).
    public var priorMean: Double
    public var priorStandardDeviation: Double

    public init(serialInterval: SerialInterval = .covid19, window: Int = 7, priorMean: Double = 5, priorStandardDeviation: Double = 5) {
        self.serialInterval = serialInterval
        self.window = window
        self.priorMean = priorMean
        self.priorStandardDeviation = priorStandardDeviation
    }

    /// One estimate per window ending on each day from `window` on (EpiEstim's t_start = 2…T−6, t_end = 8…T for a
    /// week); nil for a window that ends before the serial interval's mean, where EpiEstim gives NA.
    public func estimates(dailyCases: [Int]) -> [Estimate?] {
        let days = dailyCases.count
        guard days > window else { return [] }
        var w = serialInterval.discretized(count: days)
        w.append(0)
        let meanSI = w.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element }
        let cases = dailyCases.map(Double.init)
        // Λ_t for t ≥ 1 (EpiEstim's lambda[t+1]); Λ_0 is undefined and never used.
        var lambda = [Double](repeating: 0, count: days)
        for t in 1..<days {
            var sum = 0.0
            for s in 0...t { sum += w[s] * cases[t - s] }
            lambda[t] = sum
        }
        let a = (priorMean / priorStandardDeviation) * (priorMean / priorStandardDeviation)
        let b = priorStandardDeviation * priorStandardDeviation / priorMean
        return (window..<days).map { last in
            let first = last - window + 1
            // EpiEstim's t_end (1-based) must exceed the serial interval's mean.
            guard Double(last + 1) > meanSI else { return nil }
            let observed = dailyCases[first...last].reduce(0, +)
            let shape = a + Double(observed)
            let scale = 1 / (1 / b + lambda[first...last].reduce(0, +))
            let posterior = GammaDistribution(shape: shape, scale: scale)
            return Estimate(firstDay: first, lastDay: last, cases: observed, mean: shape * scale,
                            standardDeviation: shape.squareRoot() * scale, lower: posterior.quantile(0.025),
                            median: posterior.quantile(0.5), upper: posterior.quantile(0.975),
                            uncertain: 1 / shape.squareRoot() > 0.3)
        }
    }
}
