/// The three EARS methods of the CDC's Early Aberration Reporting System, as in R's `earsC`.
public enum EARSMethod: String, Sendable, CaseIterable, Codable {
    /// C1: the baseline is the `baseline` days just before the current day.
    case c1 = "C1"
    /// C2: the baseline is `baseline` days ending two days before the current day (a guard band of two days).
    case c2 = "C2"
    /// C3: built from the C2 statistics of the two previous days (see ``EARS`` for how R does it).
    case c3 = "C3"
}

/// Settings of ``EARS/detect(_:options:)``; the names are those of R's `earsC(sts, control = list(...))`.
public struct EARSOptions: Sendable, Equatable {
    /// `method`: C1, C2 or C3. R's default is C1.
    public var method: EARSMethod
    /// `baseline`: the number of time points in the baseline (at least 3; R's default 7).
    public var baseline: Int
    /// `minSigma`: the smallest standard deviation used (R's default 0). With 0 a constant baseline
    /// gives a zero standard deviation, and the statistics are infinite or undefined as in R.
    public var minSigma: Double
    /// `alpha`: the false-alarm probability per time point; the threshold is the standard normal
    /// quantile at `1 - alpha`. `nil` means R's default when `alpha` is not given in `control`:
    /// 0.001 for C1 and C2, 0.025 for C3.
    public var alpha: Double?
    /// `range`: the 0-based time points to evaluate (R's `range` minus 1). `nil` means R's default:
    /// from the first time point with a full history to the end of the series.
    public var range: ClosedRange<Int>?

    /// Creates settings; the defaults are R's.
    public init(
        method: EARSMethod = .c1,
        baseline: Int = 7,
        minSigma: Double = 0,
        alpha: Double? = nil,
        range: ClosedRange<Int>? = nil
    ) {
        self.method = method
        self.baseline = baseline
        self.minSigma = minSigma
        self.alpha = alpha
        self.range = range
    }

    /// The `alpha` in use: the given one or R's default for the method.
    public var effectiveAlpha: Double {
        alpha ?? (method == .c3 ? 0.025 : 0.001)
    }

    /// How many time points before the first evaluated one the method reads (R's `maxLag`).
    public var maximumLag: Int {
        switch method {
        case .c1: return baseline
        case .c2: return baseline + 2
        case .c3: return baseline + 4
        }
    }
}
