/// A regular time series of case counts: weekly (frequency 52), daily (365) or monthly (12).
///
/// Time points are addressed by their 0-based position in `counts`; the R package `surveillance`
/// addresses the same time point with the 1-based index `position + 1`.
///
/// The algorithms treat the series as R's `sts` object without dates (`epochAsDate = FALSE`): the
/// reference weeks of Farrington's method lie exactly `frequency` positions back per year.
public struct CountSeries: Sendable, Equatable {
    /// The observed number of cases at each time point (non-negative).
    public let counts: [Int]
    /// The population under observation at each time point (positive), or `nil` when not known.
    /// Used only by the population-offset models; R's default population is 1 everywhere.
    public let population: [Double]?
    /// Number of time points per year: 52 for weekly, 365 for daily, 12 for monthly data.
    public let frequency: Int
    /// The calendar label of the first time point (used only to label time points).
    public let start: SeriesPeriod

    /// Creates a series and checks it.
    ///
    /// - Throws: ``OutbreakDetectionError/negativeCount(index:value:)``,
    ///   ``OutbreakDetectionError/populationLengthMismatch(counts:population:)``,
    ///   ``OutbreakDetectionError/invalidPopulation(index:value:)``,
    ///   ``OutbreakDetectionError/invalidFrequency(_:)``.
    public init(
        counts: [Int],
        population: [Double]? = nil,
        frequency: Int = 52,
        start: SeriesPeriod = SeriesPeriod(year: 2000, period: 1)
    ) throws(OutbreakDetectionError) {
        guard frequency >= 1 else { throw .invalidFrequency(frequency) }
        if let index = counts.firstIndex(where: { $0 < 0 }) {
            throw .negativeCount(index: index, value: counts[index])
        }
        if let population {
            guard population.count == counts.count else {
                throw .populationLengthMismatch(counts: counts.count, population: population.count)
            }
            if let index = population.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
                throw .invalidPopulation(index: index, value: population[index])
            }
        }
        self.counts = counts
        self.population = population
        self.frequency = frequency
        self.start = start
    }

    /// Number of time points.
    public var count: Int { counts.count }

    /// The calendar label (year and period within the year) of the time point at `index`.
    public func period(at index: Int) -> SeriesPeriod {
        let zeroBased = (start.period - 1) + index
        let yearOffset = zeroBased >= 0 ? zeroBased / frequency : -((-zeroBased + frequency - 1) / frequency)
        return SeriesPeriod(year: start.year + yearOffset, period: zeroBased - yearOffset * frequency + 1)
    }

    /// "weekly"/"weeks" and so on, for messages.
    var periodWords: (adjective: String, plural: String) {
        switch frequency {
        case 52: return ("weekly", "weeks")
        case 365: return ("daily", "days")
        case 12: return ("monthly", "months")
        default: return ("", "time points")
        }
    }

    /// "5 years of weekly data (260 weeks)".
    func history(years: Int, points: Int) -> String {
        let words = periodWords
        let data = words.adjective.isEmpty ? "data" : "\(words.adjective) data"
        return "\(years) year\(years == 1 ? "" : "s") of \(data) (\(points) \(words.plural))"
    }

    /// The counts as floating-point numbers, as R stores them.
    var observed: [Double] { counts.map(Double.init) }

    /// The population at each time point, 1 where no population was given (R's default).
    var populationOrOne: [Double] { population ?? Array(repeating: 1, count: counts.count) }
}

/// A calendar label: the year and the 1-based period (week, day or month) within it.
public struct SeriesPeriod: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The year.
    public var year: Int
    /// The 1-based period within the year (week 1...52, day 1...365, month 1...12).
    public var period: Int

    /// Creates a label.
    public init(year: Int, period: Int) {
        self.year = year
        self.period = period
    }

    public var description: String { "\(year)/\(period)" }
}
