/// The result of an EARS method at one time point.
public struct EARSTimePoint: Sendable, Equatable {
    /// The 0-based time point (R's index minus 1).
    public let index: Int
    /// The observed count.
    public let observed: Int
    /// The baseline mean of the current time point's baseline (the count expected without an outbreak).
    public let expected: Double
    /// The standard deviation in use: `max(sd(baseline), minSigma)`.
    public let sigma: Double
    /// The statistic that R's alarm rule compares with the threshold.
    ///
    /// C1 and C2: `(observed - expected) / sigma`. C3: the sum of `max(0, C2 - 1)` over the two
    /// previous time points only (R's rule; the published C3 would add the current time point's term,
    /// which is ``currentC2``-based, see ``EARS``). Infinite or NaN where `sigma` is 0, as in R.
    public let score: Double
    /// For C3: the C2 statistic of the current time point (its baseline mean and sigma); for C1 and C2
    /// the same as ``score``.
    public let currentC2: Double
    /// R's `upperbound`; `nil` where R's value is NaN (a C3 bound with a zero standard deviation).
    public let upperbound: Double?
    /// R's `alarm`: the observed count is above the upper bound; `nil` where R gives NA.
    public let alarm: Bool?

    /// The C3 statistic of the published definition (Hutwagner et al.): the sum of `max(0, C2 - 1)`
    /// over the current and the two previous time points. Not what R's `earsC` uses for its alarm.
    public var publishedC3: Double {
        score + SampleStatistics.pmax(0, currentC2 - 1)
    }
}

/// The results of an EARS method over the evaluated time points.
public struct EARSResult: Sendable, Equatable {
    /// The settings used.
    public let options: EARSOptions
    /// The threshold `qnorm(1 - alpha)`.
    public let threshold: Double
    /// One result per evaluated time point, in time order.
    public let points: [EARSTimePoint]
}
