/// Why an outbreak-detection algorithm could not run. The ``description`` is written for the person
/// who configured the algorithm.
public enum OutbreakDetectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A count is negative.
    case negativeCount(index: Int, value: Int)
    /// The population has a different length than the counts.
    case populationLengthMismatch(counts: Int, population: Int)
    /// A population value is zero, negative or not finite.
    case invalidPopulation(index: Int, value: Double)
    /// The number of periods per year is not positive.
    case invalidFrequency(Int)
    /// An option is out of its allowed range; the text names the option and the rule.
    case invalidOption(String)
    /// The range to evaluate lies (partly) outside the series.
    case rangeOutOfBounds(range: ClosedRange<Int>, count: Int)
    /// The series does not reach far enough back for the first evaluated time point.
    case notEnoughHistory(algorithm: String, firstIndex: Int, needed: String)
    /// The population-offset model was asked for, but the series has no population.
    case populationRequired(algorithm: String)
    /// R's `glm` would stop with an error for this time point (for example no valid starting values).
    case modelFitFailed(index: Int, reason: String)
    /// The original algorithm's quasi-Poisson model did not converge at this time point; R's
    /// `algo.farrington` then returns no result for the whole series.
    case modelDidNotConverge(index: Int)

    public var description: String {
        switch self {
        case let .negativeCount(index, value):
            return "count at time point \(index) is \(value): counts cannot be negative"
        case let .populationLengthMismatch(counts, population):
            return "the population has \(population) values but the series has \(counts) counts: give one population value per time point"
        case let .invalidPopulation(index, value):
            return "population at time point \(index) is \(value): the population must be a positive number"
        case let .invalidFrequency(frequency):
            return "frequency \(frequency) is not a number of periods per year: use 52 for weekly, 365 for daily or 12 for monthly data"
        case let .invalidOption(text):
            return "invalid option: \(text)"
        case let .rangeOutOfBounds(range, count):
            return "the time points \(range.lowerBound)...\(range.upperBound) to evaluate are outside the series, which has time points 0...\(count - 1)"
        case let .notEnoughHistory(algorithm, firstIndex, needed):
            return "not enough history: \(algorithm) needs \(needed) before the first evaluated time point (\(firstIndex))"
        case let .populationRequired(algorithm):
            return "\(algorithm) with a population offset needs a series with a population"
        case let .modelFitFailed(index, reason):
            return "the quasi-Poisson model could not be fitted at time point \(index): \(reason)"
        case let .modelDidNotConverge(index):
            return "the quasi-Poisson model did not converge at time point \(index), with or without a time trend"
        }
    }
}
