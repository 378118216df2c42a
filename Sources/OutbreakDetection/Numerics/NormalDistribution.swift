import Foundation

/// The normal distribution as R computes it: `pnorm` with W. J. Cody's rational Chebyshev
/// approximations (Math. Comp. 1969) and `qnorm` with Wichura's algorithm AS 241 (Appl. Statist. 1988),
/// both accurate to about 1e-16 relative.
public enum NormalDistribution {
    /// The quantile function: the value `x` with `P(X <= x) = p` for `X ~ N(mean, sd²)`
    /// (R's `qnorm(p, mean, sd)`). Returns `-infinity` for `p == 0`, `+infinity` for `p == 1` and NaN
    /// outside `[0, 1]`.
    public static func quantile(_ p: Double, mean: Double = 0, sd: Double = 1) -> Double {
        if p.isNaN || mean.isNaN || sd.isNaN { return .nan }
        if p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if sd < 0 { return .nan }
        if sd == 0 { return mean }
        return mean + sd * standardQuantile(p)
    }

    /// The lower-tail probability `P(X <= x)` (R's `pnorm(x, mean, sd)`).
    public static func cdf(_ x: Double, mean: Double = 0, sd: Double = 1) -> Double {
        tails(x, mean: mean, sd: sd).lower
    }

    /// The upper-tail probability `P(X > x)` (R's `pnorm(x, mean, sd, lower.tail = FALSE)`), accurate
    /// in relative terms far into the tail.
    public static func survival(_ x: Double, mean: Double = 0, sd: Double = 1) -> Double {
        tails(x, mean: mean, sd: sd).upper
    }

    static func tails(_ x: Double, mean: Double, sd: Double) -> (lower: Double, upper: Double) {
        if x.isNaN || mean.isNaN || sd.isNaN { return (.nan, .nan) }
        if sd < 0 { return (.nan, .nan) }
        let z = (x - mean) / sd
        if !z.isFinite {
            if z.isNaN { return (.nan, .nan) }   // x == mean == ±infinity
            return z < 0 ? (0, 1) : (1, 0)
        }
        return standardTails(z)
    }

    /// AS 241 (PPND16) for the standard normal.
    static func standardQuantile(_ p: Double) -> Double {
        let q = p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num = (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r
                + 67265.770927008700853) * r + 45921.953931549871457) * r
                + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
            let den = (((((((r * 5226.495278852854561 + 28729.085735721942674) * r
                + 39307.89580009271061) * r + 21213.794301586595867) * r
                + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1.0)
            return q * num / den
        }
        var r = sqrt(-log(q < 0 ? p : 1 - p))
        var value: Double
        if r <= 5 {
            r -= 1.6
            value = (((((((r * 7.7454501427834140764e-4 + 0.0227238449892691845833) * r
                + 0.24178072517745061177) * r + 1.27045825245236838258) * r
                + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
                / (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r
                + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
                + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1.0)
        } else {
            r -= 5
            value = (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r
                + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
                + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
                / (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r
                + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
                + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1.0)
        }
        return q < 0 ? -value : value
    }

    /// Cody's approximations for both tails of the standard normal.
    static func standardTails(_ x: Double) -> (lower: Double, upper: Double) {
        let y = abs(x)
        if y <= 0.67448975 {
            var xnum = 0.0, xden = 0.0
            if y > Double.ulpOfOne * 0.5 {
                let xsq = x * x
                xnum = a[4] * xsq
                xden = xsq
                for i in 0..<3 {
                    xnum = (xnum + a[i]) * xsq
                    xden = (xden + b[i]) * xsq
                }
            }
            let temp = x * (xnum + a[3]) / (xden + b[3])
            return (0.5 + temp, 0.5 - temp)
        }
        var small: Double   // the tail beyond |x|
        if y <= 32.0.squareRoot() {
            var xnum = c[8] * y
            var xden = y
            for i in 0..<7 {
                xnum = (xnum + c[i]) * y
                xden = (xden + d[i]) * y
            }
            let temp = (xnum + c[7]) / (xden + d[7])
            small = gaussianTail(y, times: temp)
        } else if y < 37.5193 {  // R 4.2 bound; beyond it both R tails are 0 and 1
            let xsq = 1.0 / (x * x)
            var xnum = p[5] * xsq
            var xden = xsq
            for i in 0..<4 {
                xnum = (xnum + p[i]) * xsq
                xden = (xden + q[i]) * xsq
            }
            var temp = xsq * (xnum + p[4]) / (xden + q[4])
            temp = (0.398942280401432677939946059934 - temp) / y
            small = gaussianTail(y, times: temp)
        } else {
            small = 0
        }
        return x > 0 ? (1 - small, small) : (small, 1 - small)
    }

    /// `exp(-y²/2) * factor`, with y² split so that no precision is lost (as in Cody's code).
    private static func gaussianTail(_ y: Double, times factor: Double) -> Double {
        let ysq = (y * 16).rounded(.towardZero) / 16
        let del = (y - ysq) * (y + ysq)
        return exp(-ysq * ysq * 0.5) * exp(-del * 0.5) * factor
    }

    private static let a: [Double] = [
        2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582,
        18154.981253343561249, 0.065682337918207449113,
    ]
    private static let b: [Double] = [
        47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956,
    ]
    private static let c: [Double] = [
        0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979,
        597.27027639480026226, 2494.5375852903726711, 6848.1904505362823326,
        11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
    ]
    private static let d: [Double] = [
        22.266688044328115691, 235.38790178262499861, 1519.377599407554805,
        6485.558298266760755, 18615.571640885098091, 34900.952721145977266,
        38912.003286093271411, 19685.429676859990727,
    ]
    private static let p: [Double] = [
        0.21589853405795699, 0.1274011611602473639, 0.022235277870649807,
        0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303,
    ]
    private static let q: [Double] = [
        1.28426009614491121, 0.468238212480865118, 0.0659881378689285515,
        0.00378239633202758244, 7.29751555083966205e-5,
    ]
}
