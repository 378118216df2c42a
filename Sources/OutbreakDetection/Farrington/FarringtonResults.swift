/// The result of the original Farrington algorithm at one time point (R's `algo.farrington`).
public struct FarringtonTimePoint: Sendable, Equatable {
    /// The 0-based time point (R's index minus 1).
    public let index: Int
    /// The observed count.
    public let observed: Int
    /// The predicted count without an outbreak, `mu0` (R returns it as the median in `control$pd[, 2]`).
    public let expected: Double
    /// The upper bound; 0 when the `limit54` rule is not met (as R reports it).
    public let upperbound: Double
    /// The lower end of the prediction interval (at least 0).
    public let lowerbound: Double
    /// `(observed - expected) / (upperbound - expected)`; 0 when the `limit54` rule is not met.
    public let score: Double
    /// The alarm: `score > 1`.
    public let alarm: Bool
    /// Whether the time trend was kept in the model.
    public let trend: Bool
    /// `P(X <= observed)` under the normal approximation on the transformed scale (R's `control$pd[, 1]`).
    public let probability: Double
    /// The dispersion `phi = max(1, Pearson dispersion)` of the final model.
    public let phi: Double
    /// How many of the `b·(2w+1)` reference values lay before the start of the series (R warns).
    public let missingReferenceValues: Int
}

/// The results of the original Farrington algorithm.
public struct FarringtonResult: Sendable, Equatable {
    /// The settings used (with the range filled in).
    public let options: FarringtonOptions
    /// One result per evaluated time point, in time order.
    public let points: [FarringtonTimePoint]
}

/// The result of `farringtonFlexible` at one time point. Optional values are `nil` where R gives NA.
public struct FarringtonFlexibleTimePoint: Sendable, Equatable {
    /// The 0-based time point (R's index minus 1).
    public let index: Int
    /// The observed count.
    public let observed: Int
    /// R's `control$expected`: the predicted count; `nil` when the `limit54` rule is not met or no
    /// upper bound exists.
    public let expected: Double?
    /// R's `upperbound`; `nil` when the `limit54` rule is not met.
    public let upperbound: Double?
    /// R's `control$score`, `(observed - prediction) / (upperbound - prediction)`. For `nbPlugin` and
    /// `muan` R takes the prediction on the log scale here, as this value does.
    public let score: Double?
    /// R's `control$pvalue`: the probability of a count at least this large under the fitted model
    /// (`delta`: upper tail of the normal approximation, strictly above the observed count).
    public let pValue: Double?
    /// R's `alarm`: `score > 1` with the `limit54` rule met and a non-zero count; `nil` if the model
    /// could not be fitted.
    public let alarm: Bool?
    /// R's `control$trend`: whether the time trend was kept; `nil` if the model could not be fitted.
    public let trend: Bool?
    /// R's `control$trendVector`: the trend coefficient when the trend was kept.
    public let trendCoefficient: Double?
    /// R's `control$phiVector`: the dispersion `max(1, Pearson dispersion)`.
    public let phi: Double?
    /// R's `control$mu0Vector`: for `nbPlugin` the fitted mean; otherwise
    /// `exp(qnorm(1 - alpha, prediction, se))` (for `delta` R uses the response-scale prediction here).
    public let mu0: Double?
}

/// The results of `farringtonFlexible`.
public struct FarringtonFlexibleResult: Sendable, Equatable {
    /// The settings used (with the range filled in).
    public let options: FarringtonFlexibleOptions
    /// One result per evaluated time point, in time order.
    public let points: [FarringtonFlexibleTimePoint]
}
