/// Mean and standard deviation computed the way R's `mean()` and `sd()` do: a first pass for the
/// mean, then a correction pass with the residuals, and the n - 1 denominator for the variance.
enum SampleStatistics {
    /// R's `mean(x)`.
    static func mean(_ x: some Collection<Double>) -> Double {
        let n = Double(x.count)
        guard n > 0 else { return .nan }
        var sum = 0.0
        for v in x { sum += v }
        var m = sum / n
        if m.isFinite {
            var correction = 0.0
            for v in x { correction += v - m }
            m += correction / n
        }
        return m
    }

    /// R's `sd(x)`: the square root of the sample variance with denominator n - 1 (NaN for n < 2).
    static func standardDeviation(_ x: some Collection<Double>) -> Double {
        guard x.count >= 2 else { return .nan }
        let m = mean(x)
        var sum = 0.0
        for v in x { sum += (v - m) * (v - m) }
        return (sum / Double(x.count - 1)).squareRoot()
    }

    /// R's `pmax(a, b)` for two numbers: NaN if either is NaN, else the larger.
    static func pmax(_ a: Double, _ b: Double) -> Double {
        if a.isNaN || b.isNaN { return .nan }
        return a >= b ? a : b
    }
}
