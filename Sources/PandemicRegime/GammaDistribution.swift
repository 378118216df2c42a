import Foundation

/// The gamma distribution's distribution function and quantile, as R's `pgamma`/`qgamma` give them (to about
/// 1e-12), for the serial interval and the posterior of the reproduction number.
public struct GammaDistribution: Sendable, Equatable {
    public let shape: Double
    public let scale: Double

    public init(shape: Double, scale: Double) {
        self.shape = shape
        self.scale = scale
    }

    /// P(X ≤ x).
    public func cdf(_ x: Double) -> Double {
        guard x > 0 else { return 0 }
        return Self.regularizedLowerGamma(shape, x / scale)
    }

    /// The p-quantile (0 < p < 1): Newton steps on the distribution function from the Wilson–Hilferty guess,
    /// kept inside a bracket that bisection narrows whenever a step would leave it.
    public func quantile(_ p: Double) -> Double {
        guard p > 0 else { return 0 }
        guard p < 1 else { return .infinity }
        let a = shape
        let z = Self.standardNormalQuantile(p)
        var x = a * pow(1 - 1 / (9 * a) + z / (3 * sqrt(a)), 3)
        if !(x > 0) || !x.isFinite { x = max(a, 1e-3) }
        var lo = 0.0, hi = Double.infinity
        for _ in 0..<200 {
            let f = Self.regularizedLowerGamma(a, x) - p
            if f < 0 { lo = x } else { hi = x }
            if abs(f) < 1e-15 { break }
            let density = exp((a - 1) * log(x) - x - lgamma(a))
            var next = density > 0 ? x - f / density : .nan
            if !(next > lo && next < hi) || !next.isFinite { next = hi.isFinite ? (lo + hi) / 2 : max(2 * x, 1) }
            if abs(next - x) <= 1e-15 * max(1, x) { x = next; break }
            x = next
        }
        return x * scale
    }

    /// P(a, x), the regularized lower incomplete gamma function: a series below a + 1, Lentz's continued fraction
    /// for the upper tail above.
    static func regularizedLowerGamma(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 0 }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a, sum = term, n = a
            for _ in 0..<10_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-16 { break }
            }
            return min(1, sum * exp(logPrefix))
        }
        let tiny = 1e-300
        var b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return max(0, 1 - exp(logPrefix) * h)
    }

    /// Acklam's rational approximation refined by one Halley step (relative error about 1e-15).
    static func standardNormalQuantile(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = sqrt(-2 * log(p))
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = sqrt(-2 * log(1 - p))
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = 0.5 * erfc(-x / 2.0.squareRoot()) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}
