import Foundation
import OutbreakDetection

/// The farringtonFlexible settings the speed benchmark runs; the R script uses the same names.
enum BenchmarkSettings: String, CaseIterable {
    /// Noufaily et al. (2013): 10 periods, 26 weeks left out, weights threshold 2.58, trend always, nbPlugin.
    case noufaily
    /// Farrington et al. (1996) as farringtonFlexible: weights threshold 1, trend at 5 %, delta threshold.
    case original

    func options(range: ClosedRange<Int>) -> FarringtonFlexibleOptions {
        var options: FarringtonFlexibleOptions
        switch self {
        case .noufaily: options = .noufaily(thresholdMethod: .nbPlugin)
        case .original: options = .original
        }
        options.range = range
        return options
    }
}

/// A year of weekly farringtonFlexible runs on every series: the last 52 weeks of each, in one call
/// per series (as R's `range = (n-51):n`), timed around the loop only.
enum SpeedRun {
    struct Outcome {
        let settings: BenchmarkSettings
        let seconds: Double
        let evaluatedPoints: Int
        let failures: [String]
        let csvRows: [String]
    }

    static func run(_ series: [BenchmarkSeries], settings: BenchmarkSettings) -> Outcome {
        // Build the inputs before the clock starts, as the R script builds its sts objects first.
        let inputs: [(name: String, series: CountSeries?)] = series.map { entry in
            (entry.name, try? CountSeries(counts: entry.counts, frequency: 52))
        }
        var results: [(name: String, result: Result<FarringtonFlexibleResult, OutbreakDetectionError>)] = []
        results.reserveCapacity(inputs.count)

        let clock = ContinuousClock()
        let start = clock.now
        for input in inputs {
            guard let countSeries = input.series else {
                results.append((input.name, .failure(.invalidOption("the series could not be read"))))
                continue
            }
            let last = countSeries.count - 1
            let options = settings.options(range: (last - 51)...last)
            results.append((input.name, Result { () throws(OutbreakDetectionError) in
                try FarringtonFlexible.detect(countSeries, options: options)
            }))
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        var rows: [String] = []
        var failures: [String] = []
        var points = 0
        for (name, result) in results {
            switch result {
            case let .success(output):
                for point in output.points {
                    points += 1
                    rows.append("\(settings.rawValue),\(name),\(point.index + 1),\(format(point.upperbound)),\(format(point.alarm))")
                }
            case let .failure(error):
                failures.append("\(name): \(error)")
            }
        }
        return Outcome(settings: settings, seconds: seconds, evaluatedPoints: points, failures: failures, csvRows: rows)
    }

    static let csvHeader = "settings,series,index,upperbound,alarm"

    /// Shortest round-trip decimal, NA for R's NA; R's side prints 17 significant digits.
    private static func format(_ value: Double?) -> String {
        guard let value else { return "NA" }
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "Inf" : "-Inf" }
        return "\(value)"
    }

    private static func format(_ value: Bool?) -> String {
        guard let value else { return "NA" }
        return value ? "1" : "0"
    }
}
