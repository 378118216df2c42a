import Foundation

/// The expected count of a synthetic baseline series (no outbreaks) and its over-dispersion, as in the
/// simulation study of Noufaily et al. (2013, Statistics in Medicine 32:1206–1222):
///
/// ```
/// mu(t) = exp(theta + beta·t + Σ_{j=1..harmonics} [gamma1·cos(2πjt/frequency) + gamma2·sin(2πjt/frequency)])
///         · weekday factor (daily series only)
/// ```
///
/// Counts are negative binomial with mean `mu(t)` and variance `dispersion · mu(t)` (Poisson when
/// `dispersion` is 1). `t` is the 0-based time point.
public struct BaselineModel: Sendable, Equatable {
    /// `theta`: the log of the expected count at time 0 without season (log scale).
    public var intercept: Double
    /// `beta`: the linear trend per time point on the log scale (Noufaily: 0 or 0.001–0.003 per week).
    public var trend: Double
    /// `gamma1`: the cosine coefficient of each seasonal harmonic.
    public var seasonalCosine: Double
    /// `gamma2`: the sine coefficient of each seasonal harmonic.
    public var seasonalSine: Double
    /// `m`: the number of seasonal harmonics (0: no season, 1: annual, 2: annual and biannual).
    public var harmonics: Int
    /// `phi`: variance / mean of the counts (1: Poisson; Noufaily used 1.5–5 for over-dispersed diseases).
    public var dispersion: Double
    /// Time points per year: 52 for weekly, 365 for daily series.
    public var frequency: Int
    /// Multipliers of the expected count by day of the week (7 values, starting with time point 0);
    /// empty for none. Daily notifications are typically lower at weekends.
    public var weekdayFactors: [Double]

    /// Creates a model; the defaults are a seasonal weekly Poisson series of about 5 cases a week.
    public init(
        intercept: Double = log(5), trend: Double = 0, seasonalCosine: Double = 0.2, seasonalSine: Double = -0.4,
        harmonics: Int = 1, dispersion: Double = 1, frequency: Int = 52, weekdayFactors: [Double] = []
    ) {
        self.intercept = intercept
        self.trend = trend
        self.seasonalCosine = seasonalCosine
        self.seasonalSine = seasonalSine
        self.harmonics = harmonics
        self.dispersion = dispersion
        self.frequency = frequency
        self.weekdayFactors = weekdayFactors
    }

    /// Checks the parameters, so that a generator never runs on a model that cannot produce counts.
    ///
    /// - Throws: ``EvaluationError/invalidModel(_:)``.
    public func validate() throws(EvaluationError) {
        guard frequency >= 1 else { throw .invalidModel("frequency is \(frequency): it must be a positive number of time points per year") }
        guard harmonics >= 0 else { throw .invalidModel("harmonics is \(harmonics): it cannot be negative") }
        guard dispersion >= 1, dispersion.isFinite else {
            throw .invalidModel("dispersion is \(dispersion): the variance/mean ratio must be at least 1")
        }
        guard [intercept, trend, seasonalCosine, seasonalSine].allSatisfy(\.isFinite) else {
            throw .invalidModel("the intercept, trend and seasonal coefficients must be finite numbers")
        }
        guard weekdayFactors.isEmpty || (weekdayFactors.count == 7 && weekdayFactors.allSatisfy { $0 > 0 && $0.isFinite }) else {
            throw .invalidModel("weekdayFactors must be empty or 7 positive numbers")
        }
    }

    /// The expected count `mu(t)` at time point `t`.
    public func expected(at t: Int) -> Double {
        let time = Double(t)
        var eta = intercept + trend * time
        if harmonics > 0 {
            let angle = 2 * Double.pi * time / Double(frequency)
            for j in 1...harmonics {
                eta += seasonalCosine * cos(Double(j) * angle) + seasonalSine * sin(Double(j) * angle)
            }
        }
        var mu = exp(eta)
        if !weekdayFactors.isEmpty {
            mu *= weekdayFactors[((t % 7) + 7) % 7]
        }
        return mu
    }

    /// The standard deviation of the count at `t`, `sqrt(dispersion · mu(t))`; Noufaily et al. size an
    /// outbreak as a multiple of it at the outbreak's start.
    public func standardDeviation(at t: Int) -> Double { (dispersion * expected(at: t)).squareRoot() }
}

/// Generates baseline count series from a ``BaselineModel`` with a ``SeededRandom``.
public enum SyntheticSeries {
    /// Draws `length` counts, time points `0..<length`, from the model.
    ///
    /// - Throws: ``EvaluationError/invalidModel(_:)`` for invalid parameters or a negative length.
    public static func baseline(
        _ model: BaselineModel, length: Int, using random: inout SeededRandom
    ) throws(EvaluationError) -> [Int] {
        try model.validate()
        guard length >= 0 else { throw .invalidModel("length is \(length): it cannot be negative") }
        return (0..<length).map { t in random.negativeBinomial(mean: model.expected(at: t), dispersion: model.dispersion) }
    }

    /// Draws `length` counts with a generator seeded with `seed` (the same seed gives the same series).
    ///
    /// - Throws: ``EvaluationError/invalidModel(_:)``.
    public static func baseline(_ model: BaselineModel, length: Int, seed: UInt64) throws(EvaluationError) -> [Int] {
        var random = SeededRandom(seed: seed)
        return try baseline(model, length: length, using: &random)
    }
}
