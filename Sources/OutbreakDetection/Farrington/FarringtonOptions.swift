/// Settings of the original Farrington algorithm, ``Farrington/detect(_:options:)``; the names are
/// those of R's `algo.farrington(disProg, control = list(...))` and the defaults are R's.
public struct FarringtonOptions: Sendable, Equatable {
    /// `b`: the number of past years that supply reference values.
    public var b: Int
    /// `w`: the half-width of the window of reference values around the same week in each past year.
    public var w: Int
    /// `reweight`: refit with weights that down-weight past outbreaks (Anscombe residuals above 1).
    public var reweight: Bool
    /// `alpha`: the threshold is the upper end of a two-sided `1 - alpha` prediction interval.
    public var alpha: Double
    /// `trend`: try a linear time trend (kept only if significant at 5 %, `b >= 3` and the prediction
    /// does not exceed the largest reference value).
    public var trend: Bool
    /// `limit54`: the minimum number of cases in the last weeks for an alarm.
    public var limit54: Limit54
    /// `powertrans`: the power transformation for the threshold.
    public var powerTransform: PowerTransform
    /// `fitFun`: the model-fitting function.
    public var fitFunction: FarringtonFitFunction
    /// `range`: the 0-based time points to evaluate (R's `range` minus 1). `nil` means R's default,
    /// R's `(freq·b - w):length`, that is from position `frequency·b - w - 1` to the end.
    public var range: ClosedRange<Int>?

    /// Creates settings; the defaults are R's.
    public init(
        b: Int = 5, w: Int = 3, reweight: Bool = true, alpha: Double = 0.05, trend: Bool = true,
        limit54: Limit54 = Limit54(), powerTransform: PowerTransform = .twoThirds,
        fitFunction: FarringtonFitFunction = .fast, range: ClosedRange<Int>? = nil
    ) {
        self.b = b
        self.w = w
        self.reweight = reweight
        self.alpha = alpha
        self.trend = trend
        self.limit54 = limit54
        self.powerTransform = powerTransform
        self.fitFunction = fitFunction
        self.range = range
    }
}
