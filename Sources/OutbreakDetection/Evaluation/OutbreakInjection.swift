import Foundation

/// How an outbreak's cases are spread over its time points.
public enum OutbreakProfile: Sendable, Equatable {
    /// Every time point equally likely.
    case uniform
    /// Each case's time follows a lognormal distribution with log-scale standard deviation `sdLog`
    /// (Noufaily et al. 2013 used 0.5), cut at its 99.5 % quantile and stretched over the outbreak's
    /// length: a quick rise, an early peak and a longer tail, like a point-source outbreak.
    case lognormal(sdLog: Double)

    /// The probability that a case falls on each of the `length` time points (sums to 1).
    public func weights(length: Int) -> [Double] {
        guard length > 1 else { return length == 1 ? [1] : [] }
        switch self {
        case .uniform:
            return Array(repeating: 1 / Double(length), count: length)
        case let .lognormal(sdLog):
            // Bin j holds the lognormal mass between j·q/L and (j+1)·q/L, q the 99.5 % quantile.
            let logQuantile = sdLog * NormalDistribution.quantile(0.995)
            let cdf: (Int) -> Double = { j in
                guard j > 0 else { return 0 }
                let x = Double(j) / Double(length)
                return NormalDistribution.cdf((log(x) + logQuantile) / sdLog)
            }
            let mass = (0..<length).map { cdf($0 + 1) - cdf($0) }
            let total = mass.reduce(0, +)
            return mass.map { $0 / total }
        }
    }

    func validate() throws(EvaluationError) {
        if case let .lognormal(sdLog) = self, !(sdLog > 0 && sdLog.isFinite) {
            throw .invalidOutbreak("the lognormal profile's sdLog is \(sdLog): it must be a positive number")
        }
    }
}

/// How many cases an outbreak adds in total.
public enum OutbreakSize: Sendable, Equatable {
    /// Exactly this many cases.
    case cases(Int)
    /// A Poisson number of cases with this mean, but at least 1 (an outbreak of no cases could not be
    /// detected and would only blur sensitivity).
    case poisson(mean: Double)

    /// Noufaily et al. (2013): a Poisson number of cases with mean `k` times the standard deviation of
    /// the baseline count at the outbreak's start (they used k = 2, 3, 5, 10). Scaling by the standard
    /// deviation makes an outbreak of a given `k` about equally hard to see in a rare and a common disease.
    public static func standardDeviations(_ k: Double, of model: BaselineModel, at start: Int) -> OutbreakSize {
        .poisson(mean: k * model.standardDeviation(at: start))
    }
}

/// What to inject: where an outbreak starts, how long it lasts, how large it is and how it is shaped.
public struct OutbreakPlan: Sendable, Equatable {
    /// The first time point (0-based) of the outbreak.
    public var start: Int
    /// The number of time points it lasts (at least 1).
    public var length: Int
    /// Its total number of cases.
    public var size: OutbreakSize
    /// How the cases are spread over its time points.
    public var profile: OutbreakProfile
    /// A free label carried into the results, for grouping (for example "k=3").
    public var label: String

    /// Creates a plan.
    public init(start: Int, length: Int, size: OutbreakSize, profile: OutbreakProfile = .lognormal(sdLog: 0.5), label: String = "") {
        self.start = start
        self.length = length
        self.size = size
        self.profile = profile
        self.label = label
    }
}

/// An outbreak as injected: its extra cases at each of its time points.
public struct Outbreak: Sendable, Equatable {
    /// The first time point (0-based).
    public let start: Int
    /// The extra cases at `start`, `start + 1`, …; its count is the outbreak's length. A time point may
    /// get 0 cases and still belong to the outbreak.
    public let cases: [Int]
    /// The plan's label.
    public let label: String

    /// Creates an outbreak from its cases per time point.
    public init(start: Int, cases: [Int], label: String = "") {
        self.start = start
        self.cases = cases
        self.label = label
    }

    /// The number of time points.
    public var length: Int { cases.count }
    /// The total number of extra cases.
    public var size: Int { cases.reduce(0, +) }
    /// The time points it covers (empty for a zero length).
    public var timePoints: Range<Int> { start..<(start + cases.count) }

    /// Draws an outbreak from a plan: its total size, then each case's time point from the profile.
    ///
    /// - Throws: ``EvaluationError/invalidOutbreak(_:)`` for a length below 1, a negative size or an
    ///   invalid profile.
    public static func draw(_ plan: OutbreakPlan, using random: inout SeededRandom) throws(EvaluationError) -> Outbreak {
        guard plan.length >= 1 else { throw .invalidOutbreak("length is \(plan.length): an outbreak lasts at least one time point") }
        try plan.profile.validate()
        let total: Int
        switch plan.size {
        case let .cases(count):
            guard count >= 0 else { throw .invalidOutbreak("size is \(count) cases: it cannot be negative") }
            total = count
        case let .poisson(mean):
            guard mean >= 0, mean.isFinite else { throw .invalidOutbreak("mean size is \(mean): it must be a non-negative number") }
            total = max(1, random.poisson(mean: mean))
        }
        let weights = plan.profile.weights(length: plan.length)
        var cumulative: [Double] = []
        cumulative.reserveCapacity(weights.count)
        var running = 0.0
        for weight in weights {
            running += weight
            cumulative.append(running)
        }
        var cases = Array(repeating: 0, count: plan.length)
        for _ in 0..<total {
            // Scale by the last cumulative value so that rounding never leaves a draw past the end.
            let u = random.uniform() * running
            let bin = cumulative.firstIndex(where: { u < $0 }) ?? (plan.length - 1)
            cases[bin] += 1
        }
        return Outbreak(start: plan.start, cases: cases, label: plan.label)
    }
}

/// A series with injected outbreaks: the baseline, the observed counts (baseline plus outbreak cases)
/// and the outbreaks, so that alarms can be scored against the truth.
public struct InjectedSeries: Sendable, Equatable {
    /// The counts without outbreaks.
    public let baseline: [Int]
    /// The counts with the outbreaks' cases added.
    public let counts: [Int]
    /// The injected outbreaks, in the order given.
    public let outbreaks: [Outbreak]

    /// Adds the outbreaks' cases to the baseline.
    ///
    /// - Throws: ``EvaluationError/outbreakOutsideSeries(start:length:seriesLength:)`` when an outbreak
    ///   reaches outside the series.
    public init(baseline: [Int], outbreaks: [Outbreak]) throws(EvaluationError) {
        var counts = baseline
        for outbreak in outbreaks {
            guard outbreak.start >= 0, outbreak.start + outbreak.length <= baseline.count else {
                throw .outbreakOutsideSeries(start: outbreak.start, length: outbreak.length, seriesLength: baseline.count)
            }
            for (offset, extra) in outbreak.cases.enumerated() {
                counts[outbreak.start + offset] += extra
            }
        }
        self.baseline = baseline
        self.counts = counts
        self.outbreaks = outbreaks
    }

    /// Whether time point `t` belongs to any outbreak.
    public func isOutbreak(at t: Int) -> Bool {
        outbreaks.contains { $0.timePoints.contains(t) }
    }
}

/// Draws outbreaks from plans and injects them into a series.
public enum OutbreakInjection {
    /// Draws every plan's outbreak (in order, from one random stream) and adds it to the baseline.
    ///
    /// - Throws: ``EvaluationError/invalidOutbreak(_:)``, ``EvaluationError/outbreakOutsideSeries(start:length:seriesLength:)``.
    public static func inject(
        _ plans: [OutbreakPlan], into baseline: [Int], using random: inout SeededRandom
    ) throws(EvaluationError) -> InjectedSeries {
        var outbreaks: [Outbreak] = []
        for plan in plans {
            outbreaks.append(try Outbreak.draw(plan, using: &random))
        }
        return try InjectedSeries(baseline: baseline, outbreaks: outbreaks)
    }
}
