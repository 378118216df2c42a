import Foundation

/// The Poisson and negative binomial distributions as R computes them: probabilities with
/// C. Loader's saddle-point method (`dpois_raw`, `dbinom_raw`), distribution functions by summing
/// those probabilities outward from the requested point, and quantiles as the smallest count whose
/// distribution function reaches `p·(1 - 64ε)` (R's `qpois`/`qnbinom` with their fuzz for left continuity).
public struct DiscreteDistribution: Sendable {
    private enum Kind: Sendable {
        case poisson(lambda: Double)
        /// R's `size` and `prob` parametrization: mean `size·(1-prob)/prob`.
        case negativeBinomial(size: Double, prob: Double)
    }

    private let kind: Kind

    /// Above this standard deviation ``quantile(_:)`` returns the Cornish–Fisher approximation
    /// instead of searching with the summed distribution function.
    public static let largeSpread = 1e4

    /// The Poisson distribution with mean `lambda` (R's `dpois`/`ppois`/`qpois`).
    public static func poisson(mean lambda: Double) -> DiscreteDistribution {
        DiscreteDistribution(kind: .poisson(lambda: lambda))
    }

    /// The negative binomial distribution with R's `size` (may be non-integer) and `prob`
    /// (R's `dnbinom`/`pnbinom`/`qnbinom`): mean `size·(1-prob)/prob`, variance `mean/prob`.
    public static func negativeBinomial(size: Double, prob: Double) -> DiscreteDistribution {
        DiscreteDistribution(kind: .negativeBinomial(size: size, prob: prob))
    }

    private var isValid: Bool {
        switch kind {
        case let .poisson(lambda): return lambda >= 0 && lambda.isFinite
        case let .negativeBinomial(size, prob): return size >= 0 && prob > 0 && prob <= 1 && !size.isNaN
        }
    }

    /// Whether all mass is at 0.
    private var isPointMassAtZero: Bool {
        switch kind {
        case let .poisson(lambda): return lambda == 0
        case let .negativeBinomial(size, prob): return size == 0 || prob == 1
        }
    }

    /// The mean.
    public var mean: Double {
        switch kind {
        case let .poisson(lambda): return lambda
        case let .negativeBinomial(size, prob): return size * (1 - prob) / prob
        }
    }

    /// The most probable count (a mode).
    private var mode: Double {
        switch kind {
        case let .poisson(lambda): return lambda.rounded(.down)
        case let .negativeBinomial(size, prob):
            return size > 1 ? ((size - 1) * (1 - prob) / prob).rounded(.down) : 0
        }
    }

    /// `P(X = x+1) / P(X = x)`.
    private func ratio(_ x: Double) -> Double {
        switch kind {
        case let .poisson(lambda): return lambda / (x + 1)
        case let .negativeBinomial(size, prob): return (x + size) / (x + 1) * (1 - prob)
        }
    }

    /// The probability `P(X = x)` (R's `dpois`/`dnbinom`).
    public func probability(_ x: Int) -> Double {
        guard isValid else { return .nan }
        guard x >= 0 else { return 0 }
        let x = Double(x)
        switch kind {
        case let .poisson(lambda):
            return Loader.poissonProbability(x, lambda)
        case let .negativeBinomial(size, prob):
            if x == 0 && size == 0 { return 1 }
            let n = size.isFinite ? size : Double.greatestFiniteMagnitude
            let binomial = Loader.binomialProbability(n, x + n, prob, 1 - prob)
            return n / (n + x) * binomial
        }
    }

    /// The distribution function `P(X <= q)` (R's `ppois(q)`/`pnbinom(q)`).
    public func cdf(_ q: Int) -> Double { tails(q).lower }

    /// The upper tail `P(X > q)` (R's `ppois(q, lower.tail = FALSE)`), accurate in relative terms.
    public func survival(_ q: Int) -> Double { tails(q).upper }

    /// Both tails at `q`; the smaller one is summed directly.
    func tails(_ q: Int) -> (lower: Double, upper: Double) {
        guard isValid else { return (.nan, .nan) }
        if q < 0 { return (0, 1) }
        if isPointMassAtZero { return (1, 0) }
        if Double(q) < mode {
            let lower = sumDownward(from: q)
            return (lower, 1 - lower)
        } else {
            let upper = sumUpward(from: q + 1)
            return (1 - upper, upper)
        }
    }

    /// `P(X <= start)` for start below the mode: terms decrease going down (once a term
    /// underflows to 0, all further ones are 0 too).
    private func sumDownward(from start: Int) -> Double {
        var term = probability(start)
        var sum = term
        var x = Double(start)
        while x > 0 && term > 0 {
            term /= ratio(x - 1)
            x -= 1
            sum += term
            if term <= sum * 1e-17 { break }
        }
        return sum
    }

    /// `P(X >= start)` for start above the mode: terms decrease going up.
    private func sumUpward(from start: Int) -> Double {
        var term = probability(start)
        var sum = term
        var x = Double(start)
        var steps = 0
        while term > 0 && term > sum * 1e-17 && steps < 100_000_000 {
            term *= ratio(x)
            x += 1
            sum += term
            steps += 1
        }
        return sum
    }

    /// The quantile at lower-tail probability `p`: the smallest count `y` with `P(X <= y) >= p`
    /// (R's `qpois(p)`/`qnbinom(p)`, including their fuzz factor `1 - 64ε` and returning infinity
    /// for `p` within about ε of 1). NaN for an invalid distribution or `p` outside [0, 1].
    ///
    /// For a standard deviation above ``largeSpread`` (a mean of more than about 10⁸) the count is
    /// the Cornish–Fisher approximation that R starts its search from, which lies within a few
    /// counts of R's exact quantile, that is well within 10⁻⁶ relative. Such means arise only from
    /// degenerate fits (for example `muan` on reference data that are all zero).
    public func quantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        if isPointMassAtZero { return 0 }
        if p == 0 { return 0 }
        if p + 1.01 * Double.ulpOfOne >= 1 { return .infinity }
        let (mu, sigma, gamma): (Double, Double, Double)
        switch kind {
        case let .poisson(lambda):
            (mu, sigma, gamma) = (lambda, lambda.squareRoot(), 1 / lambda.squareRoot())
        case let .negativeBinomial(size, prob):
            let bigQ = 1 / prob, bigP = (1 - prob) * bigQ
            let s = (size * bigP * bigQ).squareRoot()
            (mu, sigma, gamma) = (size * bigP, s, (bigQ + bigP) / s)
        }
        let z = NormalDistribution.standardQuantile(p)
        var y = (mu + sigma * (z + gamma * (z * z - 1) / 6)).rounded(.toNearestOrEven)
        if !(y >= 0) { y = 0 }
        if sigma > Self.largeSpread || !(y < 1e15) { return y }
        let target = p * (1 - 64 * Double.ulpOfOne)
        var candidate = Int(y)
        if cdf(candidate) >= target {
            while candidate > 0 && cdf(candidate - 1) >= target { candidate -= 1 }
        } else {
            repeat { candidate += 1 } while cdf(candidate) < target
        }
        return Double(candidate)
    }
}

/// Catherine Loader's "Fast and accurate computation of binomial probabilities" (2000), as used by R.
enum Loader {
    private static let logSqrtTwoPi = 0.918938533204672741780329736406
    private static let logTwoPi = 1.837877066409345483560659472811

    /// `log(n!) - log(√(2π n)·(n/e)ⁿ)`, the error of Stirling's formula.
    static func stirlingError(_ n: Double) -> Double {
        if n <= 15 {
            if n == 0 { return 0 }
            return lgamma(n + 1) - (n + 0.5) * log(n) + n - logSqrtTwoPi
        }
        let s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188
        let nn = n * n
        if n > 500 { return (s0 - s1 / nn) / n }
        if n > 80 { return (s0 - (s1 - s2 / nn) / nn) / n }
        if n > 35 { return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n }
        return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n
    }

    /// The deviance term `x·log(x/np) + np - x`, computed without cancellation when x ≈ np.
    static func devianceTerm(_ x: Double, _ np: Double) -> Double {
        if abs(x - np) < 0.1 * (x + np) {
            var v = (x - np) / (x + np)
            var s = (x - np) * v
            if abs(s) < Double.leastNormalMagnitude { return s }
            var ej = 2 * x * v
            v = v * v
            for j in 1..<1000 {
                ej *= v
                let s1 = s + ej / Double(2 * j + 1)
                if s1 == s { return s1 }
                s = s1
            }
        }
        return x * log(x / np) + np - x
    }

    /// R's `dpois_raw`.
    static func poissonProbability(_ x: Double, _ lambda: Double) -> Double {
        if lambda == 0 { return x == 0 ? 1 : 0 }
        if !lambda.isFinite || x < 0 { return 0 }
        if x <= lambda * Double.leastNormalMagnitude { return exp(-lambda) }
        if lambda < x * Double.leastNormalMagnitude { return exp(-lambda + x * log(lambda) - lgamma(x + 1)) }
        return exp(-stirlingError(x) - devianceTerm(x, lambda)) / (2 * Double.pi * x).squareRoot()
    }

    /// R's `dbinom_raw(x, n, p, q)` with q = 1 - p given separately.
    static func binomialProbability(_ x: Double, _ n: Double, _ p: Double, _ q: Double) -> Double {
        if p == 0 { return x == 0 ? 1 : 0 }
        if q == 0 { return x == n ? 1 : 0 }
        if x == 0 {
            if n == 0 { return 1 }
            let lc = p < 0.1 ? -devianceTerm(n, n * q) - n * p : n * log(q)
            return exp(lc)
        }
        if x == n {
            let lc = q < 0.1 ? -devianceTerm(n, n * p) - n * q : n * log(p)
            return exp(lc)
        }
        if x < 0 || x > n { return 0 }
        let lc = stirlingError(n) - stirlingError(x) - stirlingError(n - x) - devianceTerm(x, n * p) - devianceTerm(n - x, n * q)
        let lf = logTwoPi + log(x) + log1p(-x / n)
        return exp(lc - 0.5 * lf)
    }
}
