import Foundation

/// Log-gamma and log-beta helpers, and the regularized incomplete beta function.
enum SpecialFunctions {
    /// `log Γ(x)` for x > 0.
    static func logGamma(_ x: Double) -> Double { lgamma(x) }

    /// The Stirling-series remainder `log Γ(x) - ((x - 1/2)·log x - x + log √(2π))` for x ≥ 10
    /// (R's `lgammacor`), summed from its asymptotic series.
    static func logGammaCorrection(_ x: Double) -> Double {
        let x2 = 1 / (x * x)
        // Bernoulli-number coefficients B(2k) / (2k(2k-1)).
        let c: [Double] = [1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156]
        var sum = 0.0
        var power = 1 / x
        for coefficient in c {
            sum += coefficient * power
            power *= x2
        }
        return sum
    }

    private static let logSqrtTwoPi = 0.918938533204672741780329736406

    /// `log B(a, b)`, accurate also when one argument is large (R's `lbeta`).
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let p = min(a, b), q = max(a, b)
        if p < 0 { return .nan }
        if p == 0 { return .infinity }
        if !q.isFinite { return -.infinity }
        if p >= 10 {
            let correction = logGammaCorrection(p) + logGammaCorrection(q) - logGammaCorrection(p + q)
            return log(q) * -0.5 + logSqrtTwoPi + correction + (p - 0.5) * log(p / (p + q)) + q * log1p(-p / (p + q))
        } else if q >= 10 {
            let correction = logGammaCorrection(q) - logGammaCorrection(p + q)
            return lgamma(p) + correction + p - p * log(p + q) + (q - 0.5) * log1p(-p / (p + q))
        } else {
            return lgamma(p) + lgamma(q) - lgamma(p + q)
        }
    }

    /// The regularized incomplete beta function `I_x(a, b)` and its complement `1 - I_x(a, b)`,
    /// each computed directly (continued fraction on the side where it converges) so that a small
    /// tail keeps its relative accuracy.
    static func incompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> (lower: Double, upper: Double) {
        if x.isNaN || a.isNaN || b.isNaN || a <= 0 || b <= 0 { return (.nan, .nan) }
        if x <= 0 { return (0, 1) }
        if x >= 1 { return (1, 0) }
        if x < (a + 1) / (a + b + 2) {
            let lower = continuedFraction(x, a, b)
            return (lower, 1 - lower)
        } else {
            let upper = continuedFraction(1 - x, b, a)
            return (1 - upper, upper)
        }
    }

    /// `I_x(a, b)` by the modified Lentz evaluation of its continued fraction (converges for
    /// x < (a+1)/(a+b+2)).
    private static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let logFront = a * log(x) + b * log1p(-x) - logBeta(a, b)
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var f = d
        for m in 1...10_000 {
            let m = Double(m)
            // Even step.
            var numerator = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            f *= d * c
            // Odd step.
            numerator = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + numerator * d
            if abs(d) < tiny { d = tiny }
            c = 1 + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            f *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(logFront) * f / a
    }
}

/// Student's t distribution, for the trend test of Farrington's method.
enum StudentT {
    /// `P(|T| > |t|)` for T with `df` degrees of freedom (R: `2 * pt(-abs(t), df)`).
    static func twoSidedPValue(_ t: Double, degreesOfFreedom df: Double) -> Double {
        if t.isNaN || df.isNaN || df <= 0 { return .nan }
        if t.isInfinite { return 0 }
        let t2 = t * t
        if df > t2 {
            return SpecialFunctions.incompleteBeta(t2 / (df + t2), 0.5, df / 2).upper
        } else {
            return SpecialFunctions.incompleteBeta(1 / (1 + (t / df) * t), df / 2, 0.5).lower
        }
    }
}
