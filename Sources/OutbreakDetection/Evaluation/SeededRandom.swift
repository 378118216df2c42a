import Foundation

/// A small, fast, seeded random number generator (xoshiro256**, seeded through SplitMix64) with the
/// draws that synthetic surveillance data needs: uniform, normal, lognormal, gamma, Poisson and
/// negative binomial.
///
/// The same seed gives the same sequence on every platform and in every build, which is what makes
/// generated series, injected outbreaks and the detection study reproducible. It is a value type: a
/// copy continues the sequence independently, so pass it `inout` to share one stream.
///
/// Not for cryptographic use.
public struct SeededRandom: RandomNumberGenerator, Sendable, Equatable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        // SplitMix64 spreads any seed (also 0 or small integers) over the 256-bit state, as the
        // authors of xoshiro recommend; an all-zero state would repeat zeros forever.
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// A generator for a sub-stream, for example one per series: the same `(seed, stream)` always
    /// gives the same sequence, and different streams do not overlap in practice.
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: seed ^ (stream &* 0xD134_2543_DE82_EF95 &+ 0x2545_F491_4F6C_DD1D))
    }

    public static func == (lhs: SeededRandom, rhs: SeededRandom) -> Bool {
        lhs.state == rhs.state
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform number in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform number in (0, 1), for logarithms.
    mutating func openUniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }

    /// A uniform integer in `range`, without bias (Lemire's multiply-and-reject method, 2019).
    ///
    /// Written out rather than `Int.random(in:using:)` because the standard library does not promise
    /// to keep its algorithm, and generated data must stay the same across Swift versions.
    public mutating func integer(in range: ClosedRange<Int>) -> Int {
        let span = UInt64(truncatingIfNeeded: range.upperBound &- range.lowerBound) &+ 1
        // A span of 0 means the range covers all 2^64 integers.
        guard span != 0 else { return Int(truncatingIfNeeded: next()) }
        var product = next().multipliedFullWidth(by: span)
        if product.low < span {
            let threshold = (0 &- span) % span
            while product.low < threshold {
                product = next().multipliedFullWidth(by: span)
            }
        }
        return range.lowerBound &+ Int(truncatingIfNeeded: product.high)
    }

    /// A standard normal draw (Box–Muller; one draw per call keeps the generator stateless apart from
    /// its bits, so a sequence does not depend on whether a cached second value was used).
    public mutating func standardNormal() -> Double {
        let u = openUniform(), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    /// A normal draw with the given mean and standard deviation.
    public mutating func normal(mean: Double, sd: Double) -> Double { mean + sd * standardNormal() }

    /// A lognormal draw: `exp(N(meanLog, sdLog))`.
    public mutating func lognormal(meanLog: Double, sdLog: Double) -> Double { exp(normal(mean: meanLog, sd: sdLog)) }

    /// A gamma draw with the given shape and scale (Marsaglia and Tsang 2000); 0 for a shape or scale
    /// that is not positive.
    public mutating func gamma(shape: Double, scale: Double) -> Double {
        guard shape > 0, scale > 0, shape.isFinite, scale.isFinite else { return 0 }
        if shape < 1 {
            // Boost a small shape by one and correct with U^(1/shape) (Marsaglia and Tsang, section 6).
            let u = openUniform()
            return gamma(shape: shape + 1, scale: scale) * pow(u, 1 / shape)
        }
        let d = shape - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = standardNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = openUniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v * scale }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v * scale }
        }
    }

    /// A Poisson draw: inversion for small means, Hörmann's transformed rejection (PTRS, 1993) from 10 on,
    /// so that large means cost the same as small ones. 0 for a mean that is not positive.
    public mutating func poisson(mean: Double) -> Int {
        guard mean > 0, mean.isFinite else { return 0 }
        if mean < 10 {
            let u = uniform()
            var k = 0
            var p = exp(-mean)
            var cumulative = p
            // The 1000 cap only guards against rounding in the last bits of the cumulative sum.
            while cumulative <= u && k < 1000 {
                k += 1
                p *= mean / Double(k)
                cumulative += p
            }
            return k
        }
        let root = mean.squareRoot()
        let b = 0.931 + 2.53 * root
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        let logMean = log(mean)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            let left = log(v) + log(inverseAlpha) - log(a / (us * us) + b)
            if left <= -mean + k * logMean - lgamma(k + 1) { return Int(k) }
        }
    }

    /// A negative binomial draw with mean `mean` and variance `dispersion · mean` (the quasi-Poisson
    /// parametrisation of Noufaily et al. 2013): a Poisson draw whose mean is gamma distributed with
    /// shape `mean / (dispersion - 1)`. A dispersion of 1 (or less) gives a Poisson draw.
    public mutating func negativeBinomial(mean: Double, dispersion: Double) -> Int {
        guard mean > 0, mean.isFinite else { return 0 }
        guard dispersion > 1 else { return poisson(mean: mean) }
        let shape = mean / (dispersion - 1)
        return poisson(mean: gamma(shape: shape, scale: dispersion - 1))
    }
}
