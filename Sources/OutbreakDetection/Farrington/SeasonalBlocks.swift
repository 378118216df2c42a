/// The seasonal blocks of `farringtonFlexible` (R's `blocks` and `algo.farrington.data.glm` for a
/// series without dates).
///
/// For the current time point `t` and each past year `i = 1...b`, the window `t - i·freq ± w` is
/// level `noPeriods`, and so is the current window `t - w ... t`. With `noPeriods > 1` the weeks
/// between two consecutive windows are split into `noPeriods - 1` blocks of (almost) equal length,
/// levels `1 ... noPeriods - 1`, the longer blocks first. Then the last `pastWeeksNotIncluded + 1`
/// time points up to `t` are left out, and every time point that has a level is a reference value.
enum SeasonalBlocks {
    /// The reference data of time point `k` (0-based).
    static func referenceData(
        series: CountSeries, at k: Int, b: Int, w: Int, noPeriods: Int, pastWeeksNotIncluded: Int, algorithm: String
    ) throws(OutbreakDetectionError) -> FarringtonData {
        let n = series.count
        let freq = series.frequency
        let now = k + 1   // R's 1-based index
        guard now - b * freq >= 1 else {
            throw .notEnoughHistory(
                algorithm: algorithm, firstIndex: k,
                needed: series.history(years: b, points: b * freq))
        }
        // R's vectorOfFactors, 1-based: factors[i] for i in 1...n, nil = NA.
        var factors = [Int?](repeating: nil, count: n + 1)

        // R's `x[from:to] <- value`: a descending sequence when to < from, index 0 ignored,
        // negative indices (here: reaching before the series) an error.
        func assign(_ from: Int, _ to: Int, _ value: Int?) throws(OutbreakDetectionError) {
            let low = min(from, to), high = max(from, to)
            guard low >= 0 else {
                throw .notEnoughHistory(
                    algorithm: algorithm, firstIndex: k,
                    needed: series.history(years: b, points: b * freq + w - 1))
            }
            for i in low...high where i >= 1 && i <= n { factors[i] = value }
        }

        try assign(now - w, now, noPeriods)
        let referenceWeeks = (0...b).map { now - $0 * freq }   // descending: now, now - freq, ...
        for i in 1...b {
            let refWeek = referenceWeeks[i]
            try assign(refWeek - w, refWeek + w, noPeriods)
            if noPeriods != 1 {
                let period = referenceWeeks[i - 1] - 2 * w - 1 - refWeek
                guard period >= noPeriods - (2 * w + 1) else {
                    throw .invalidOption("noPeriods is \(noPeriods): too many periods for \(freq) time points a year and w = \(w) (R: \"Number of factors too big!\")")
                }
                let divisor = noPeriods - 1
                let lengthOfBlocks = floorDivide(period, divisor)
                let rest = period - lengthOfBlocks * divisor
                var lengths = [0] + [Int](repeating: lengthOfBlocks, count: divisor)
                for j in 0..<rest where j + 1 < lengths.count { lengths[j + 1] += 1 }
                var cumulative: [Int] = []
                var sum = 0
                for l in lengths { sum += l; cumulative.append(sum) }
                for j in 1...divisor {
                    try assign(refWeek + w + 1 + cumulative[j - 1], refWeek + w + 1 + cumulative[j] - 1, j)
                }
            }
        }
        let blocks = factors
        try assign(now - pastWeeksNotIncluded, now, nil)

        var response: [Double] = [], wtime: [Double] = [], population: [Double] = [], groups: [Int] = []
        let pop = series.populationOrOne
        for i in 1...n {
            guard factors[i] != nil, let level = blocks[i] else { continue }
            response.append(Double(series.counts[i - 1]))
            wtime.append(Double(i))
            population.append(pop[i - 1])
            groups.append(level)
        }
        return FarringtonData(response: response, wtime: wtime, population: population, seasonalGroups: groups)
    }

    /// R's `%/%` for integers (rounds toward minus infinity).
    private static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
