/// Settings of ``FarringtonFlexible/detect(_:options:)``; the names are those of R's
/// `farringtonFlexible(sts, control = list(...))` and the defaults are R's. Use
/// ``FarringtonFlexibleOptions/original`` for the settings of Farrington et al. (1996) and
/// ``FarringtonFlexibleOptions/noufaily`` for the improved method of Noufaily et al. (2013).
public struct FarringtonFlexibleOptions: Sendable, Equatable {
    /// `b`: the number of past years that supply reference values.
    public var b: Int
    /// `w`: the half-width of the window around the same week in each past year.
    public var w: Int
    /// `reweight`: refit with weights that down-weight past outbreaks.
    public var reweight: Bool
    /// `weightsThreshold`: Anscombe residuals above it are down-weighted (1 in the original
    /// method, 2.58 by Noufaily et al. and R's default).
    public var weightsThreshold: Double
    /// `alpha`: the threshold is the `1 - alpha` quantile (one-sided).
    public var alpha: Double
    /// `trend`: try a linear time trend.
    public var trend: Bool
    /// `pThresholdTrend`: the trend is kept if its p-value is below this (0.05 original; 1, that is
    /// always, by Noufaily et al.), `b >= 3`, and the prediction does not exceed the largest reference value.
    public var pThresholdTrend: Double
    /// `limit54`: the minimum number of cases in the last weeks for an alarm.
    public var limit54: Limit54
    /// `powertrans`: the power transformation of the `delta` threshold.
    public var powerTransform: PowerTransform
    /// `populationOffset`: add `offset(log(population))` to the model (needs a series with a population).
    public var populationOffset: Bool
    /// `noPeriods`: the number of levels of the seasonal factor; 1 (original) uses only the windows
    /// around the same week, more (10 by Noufaily et al.) uses all weeks with a factor that splits
    /// each year into the window and `noPeriods - 1` periods between windows.
    public var noPeriods: Int
    /// `pastWeeksNotIncluded`: the most recent time points left out of the fit; `nil` means `w`
    /// (R's default). Noufaily et al. use 26.
    public var pastWeeksNotIncluded: Int?
    /// `thresholdMethod`: how the upper bound is computed.
    public var thresholdMethod: ThresholdMethod
    /// `range`: the 0-based time points to evaluate (R's `range` minus 1). `nil` means R's default,
    /// from position `frequency·b + w` to the end.
    public var range: ClosedRange<Int>?

    /// Creates settings; the defaults are R's (note `weightsThreshold = 2.58`).
    public init(
        b: Int = 5, w: Int = 3, reweight: Bool = true, weightsThreshold: Double = 2.58, alpha: Double = 0.05,
        trend: Bool = true, pThresholdTrend: Double = 0.05, limit54: Limit54 = Limit54(),
        powerTransform: PowerTransform = .twoThirds, populationOffset: Bool = false, noPeriods: Int = 1,
        pastWeeksNotIncluded: Int? = nil, thresholdMethod: ThresholdMethod = .delta, range: ClosedRange<Int>? = nil
    ) {
        self.b = b
        self.w = w
        self.reweight = reweight
        self.weightsThreshold = weightsThreshold
        self.alpha = alpha
        self.trend = trend
        self.pThresholdTrend = pThresholdTrend
        self.limit54 = limit54
        self.powerTransform = powerTransform
        self.populationOffset = populationOffset
        self.noPeriods = noPeriods
        self.pastWeeksNotIncluded = pastWeeksNotIncluded
        self.thresholdMethod = thresholdMethod
        self.range = range
    }

    /// The settings of the original method (Farrington et al. 1996): weights threshold 1, trend
    /// test at 5 %, one period, the current window left out, the `delta` threshold.
    public static var original: FarringtonFlexibleOptions {
        FarringtonFlexibleOptions(weightsThreshold: 1, pThresholdTrend: 0.05, noPeriods: 1, pastWeeksNotIncluded: nil, thresholdMethod: .delta)
    }

    /// The settings recommended by Noufaily et al. (2013): weights threshold 2.58, the trend always
    /// kept (when `b >= 3` and no extrapolation), 10 periods, the last 26 weeks left out, and the
    /// given threshold method (`nbPlugin` by default; `muan` also accounts for estimation error).
    public static func noufaily(thresholdMethod: ThresholdMethod = .nbPlugin) -> FarringtonFlexibleOptions {
        FarringtonFlexibleOptions(weightsThreshold: 2.58, pThresholdTrend: 1, noPeriods: 10, pastWeeksNotIncluded: 26, thresholdMethod: thresholdMethod)
    }

    /// `pastWeeksNotIncluded` in use.
    public var effectivePastWeeksNotIncluded: Int { pastWeeksNotIncluded ?? w }
}
