import Foundation

/// The upper bounds of Farrington's method.
enum FarringtonThreshold {
    /// The normal approximation on the power-transformed scale (R's `algo.farrington.threshold`
    /// and `algo.farrington.threshold.farrington`).
    struct Delta: Sendable {
        /// The lower and upper end of the interval on the count scale (lower at least 0).
        let lower: Double
        let upper: Double
        /// The transformed mean `mu0^e` and its standard deviation.
        let transformedMean: Double
        let transformedSD: Double
        let exponent: Double

        /// `mu0` and its standard error come from the prediction; `z` is the normal quantile.
        init(mu0: Double, standardError: Double, phi: Double, transform: PowerTransform, z: Double) {
            let tau = phi + (standardError * standardError) / mu0
            let exponent = transform.exponent
            let sd: Double
            switch transform {
            case .none: sd = (mu0 * tau).squareRoot()
            case .half: sd = (1.0 / 4.0 * tau).squareRoot()
            case .twoThirds: sd = (4.0 / 9.0 * pow(mu0, 1.0 / 3.0) * tau).squareRoot()
            }
            let transformedMean = pow(mu0, exponent)
            let a = pow(transformedMean - z * sd, 1 / exponent)
            let b = pow(transformedMean + z * sd, 1 / exponent)
            // R: sort(c(a, b), na.last = FALSE); lu[1] <- max(0, lu[1], na.rm = TRUE)
            var sorted: [Double]
            if a.isNaN || b.isNaN {
                sorted = [.nan, a.isNaN ? b : a]
                if a.isNaN && b.isNaN { sorted = [.nan, .nan] }
            } else {
                sorted = a <= b ? [a, b] : [b, a]
            }
            self.lower = sorted[0].isNaN ? 0 : max(0, sorted[0])
            self.upper = sorted[1]
            self.transformedMean = transformedMean
            self.transformedSD = sd
            self.exponent = exponent
        }

        /// `P(Y^e <= y^e)` under the approximation (R's `pnorm(y^e, mu0^e, se)`).
        func lowerTailProbability(_ y: Double) -> Double {
            NormalDistribution.cdf(pow(y, exponent), mean: transformedMean, sd: transformedSD)
        }

        /// `P(Y^e > y^e)` (R's `pnorm(..., lower.tail = FALSE)`).
        func upperTailProbability(_ y: Double) -> Double {
            NormalDistribution.survival(pow(y, exponent), mean: transformedMean, sd: transformedSD)
        }

        /// R's median `qnorm(0.5, mu0^e, se)^(1/e)`.
        var median: Double { pow(NormalDistribution.quantile(0.5, mean: transformedMean, sd: transformedSD), 1 / exponent) }
    }

    /// The negative binomial (or Poisson) quantile thresholds of Noufaily et al.
    /// (R's `algo.farrington.threshold.noufaily`), from the prediction on the log scale.
    struct Noufaily: Sendable {
        /// The mean plugged into the distribution (`nbPlugin`: `exp(eta)`; `muan`:
        /// `exp(qnorm(1 - alpha, eta, se))`).
        let mean: Double
        /// `nil` where R gives NA (an infinite mean).
        let lower: Double?
        let upper: Double?
        /// `P(X >= y)`.
        let pValue: Double?

        init(eta: Double, standardError: Double, phi: Double, alpha: Double, method: ThresholdMethod, observed y: Double) {
            let mean = method == .nbPlugin ? exp(eta) : exp(NormalDistribution.quantile(1 - alpha, mean: eta, sd: standardError))
            self.mean = mean
            if mean == .infinity {
                lower = nil
                upper = nil
                pValue = nil
                return
            }
            let distribution: DiscreteDistribution = phi > 1
                ? .negativeBinomial(size: mean / (phi - 1), prob: 1 / phi)
                : .poisson(mean: mean)
            let lowerQuantile = distribution.quantile(alpha)
            lower = lowerQuantile.isNaN ? lowerQuantile : max(0, lowerQuantile)
            upper = distribution.quantile(1 - alpha)
            // R: phi != 1 ? pnbinom(y - 1, ..., lower.tail = FALSE) : ppois(y - 1, ..., lower.tail = FALSE)
            let tailDistribution: DiscreteDistribution = phi != 1
                ? .negativeBinomial(size: mean / (phi - 1), prob: 1 / phi)
                : .poisson(mean: mean)
            pValue = tailDistribution.survival(Int(y) - 1)
        }
    }
}
