/// The power transformation used to make the count distribution closer to normal before the
/// threshold is computed (R's `powertrans`).
public enum PowerTransform: String, Sendable, CaseIterable, Codable {
    /// No transformation (`"none"`).
    case none = "none"
    /// Square root (`"1/2"`), variance stabilizing for Poisson counts.
    case half = "1/2"
    /// Two-thirds power (`"2/3"`, R's default), which removes the skewness of Poisson counts.
    case twoThirds = "2/3"

    /// The exponent as R computes it.
    var exponent: Double {
        switch self {
        case .none: return 1
        case .half: return 1.0 / 2.0
        case .twoThirds: return 2.0 / 3.0
        }
    }
}

/// R's `limit54`: an alarm needs at least `cases` cases in the last `period` time points
/// (including the current one). Default 5 cases in 4 weeks.
public struct Limit54: Sendable, Equatable {
    /// The minimum number of cases (R's `limit54[1]`, at least 0).
    public var cases: Int
    /// The number of time points they are counted over (R's `limit54[2]`, at least 1).
    public var period: Int

    /// Creates the rule; R's default is 5 cases in 4 time points.
    public init(cases: Int = 5, period: Int = 4) {
        self.cases = cases
        self.period = period
    }

    func validate() throws(OutbreakDetectionError) {
        guard cases >= 0, period > 0 else {
            throw .invalidOption("limit54 is (\(cases), \(period)): the number of cases must be at least 0 and the period at least 1")
        }
    }

    /// Whether the counts up to `index` meet the rule (R sums `observed[(k - period + 1):k]`).
    func isMet(_ counts: [Int], at index: Int) -> Bool {
        var sum = 0
        for i in max(0, index - period + 1)...index { sum += counts[i] }
        return sum >= cases
    }
}

/// How `farringtonFlexible` turns the fitted model into an upper bound (R's `thresholdMethod`).
public enum ThresholdMethod: String, Sendable, CaseIterable, Codable {
    /// The original method: a normal approximation on the power-transformed scale with the
    /// prediction variance from the delta method (Farrington et al. 1996).
    case delta = "delta"
    /// The negative binomial quantile with the fitted mean plugged in, size `mu/(phi - 1)`
    /// (Poisson when `phi` is 1) (Noufaily et al. 2013).
    case nbPlugin = "nbPlugin"
    /// As `nbPlugin`, but with the mean taken at the `1 - alpha` quantile of the fitted linear
    /// predictor's distribution, which accounts for the estimation error (Noufaily et al. 2013).
    case muan = "muan"
}

/// The model-fitting function of the original algorithm (R's `fitFun` of `algo.farrington`).
public enum FarringtonFitFunction: String, Sendable, CaseIterable, Codable {
    /// `algo.farrington.fitGLM.fast` (R's default): `glm.fit` on the model matrix; on
    /// non-convergence with a trend it refits without one and goes on even if that does not converge.
    case fast = "algo.farrington.fitGLM.fast"
    /// `algo.farrington.fitGLM`: the same model through `glm()`; if neither model converges R returns
    /// no result at all (here: ``OutbreakDetectionError/modelDidNotConverge(index:)``).
    case glm = "algo.farrington.fitGLM"
    /// `algo.farrington.fitGLM.populationOffset`: adds `offset(log(population))`.
    case populationOffset = "algo.farrington.fitGLM.populationOffset"
}
