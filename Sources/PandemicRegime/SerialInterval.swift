/// The serial interval (days from a case's symptom onset to that of the person they infected) as a gamma
/// distribution shifted by one day, discretised as EpiEstim's `discr_si` does (Cori et al. 2013, web appendix 11).
public struct SerialInterval: Sendable, Equatable {
    /// Mean, days (> 1).
    public let mean: Double
    /// Standard deviation, days (> 0).
    public let standardDeviation: Double

    /// COVID-19: mean 4.7, sd 2.9 days (Nishiura, Linton & Akhmetzhanov 2020), the values EpiEstim's vignettes and
    /// most national dashboards of 2020 used.
    public static let covid19 = SerialInterval(mean: 4.7, standardDeviation: 2.9)

    public init(mean: Double, standardDeviation: Double) {
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// w₀ … w₍count−1₎: the probability that the interval is k days; w₀ = 0.
    public func discretized(count: Int) -> [Double] {
        let a = ((mean - 1) / standardDeviation) * ((mean - 1) / standardDeviation)
        let b = standardDeviation * standardDeviation / (mean - 1)
        let g = GammaDistribution(shape: a, scale: b), g1 = GammaDistribution(shape: a + 1, scale: b)
        return (0..<max(count, 0)).map { k in
            let k = Double(k)
            var w = k * g.cdf(k) + (k - 2) * g.cdf(k - 2) - 2 * (k - 1) * g.cdf(k - 1)
            w += a * b * (2 * g1.cdf(k - 1) - g1.cdf(k - 2) - g1.cdf(k))
            return max(0, w)
        }
    }
}
