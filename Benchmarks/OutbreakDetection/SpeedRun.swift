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

    /// - Parameter threads: series are spread over this many threads (each series on one thread, as R's loop
    ///   does on one core); 1 compares like with like against single-threaded R.
    static func run(_ series: [BenchmarkSeries], settings: BenchmarkSettings, threads: Int = 1) -> Outcome {
        // Build the inputs before the clock starts, as the R script builds its sts objects first.
        let inputs: [(name: String, series: CountSeries?)] = series.map { entry in
            (entry.name, try? CountSeries(counts: entry.counts, frequency: 52))
        }
        var slots = [Result<FarringtonFlexibleResult, OutbreakDetectionError>?](repeating: nil, count: inputs.count)
        let workers = max(1, min(threads, inputs.count))

        @Sendable func evaluate(_ input: (name: String, series: CountSeries?)) -> Result<FarringtonFlexibleResult, OutbreakDetectionError> {
            guard let countSeries = input.series else { return .failure(.invalidOption("the series could not be read")) }
            let last = countSeries.count - 1
            let options = settings.options(range: (last - 51)...last)
            return Result { () throws(OutbreakDetectionError) in try FarringtonFlexible.detect(countSeries, options: options) }
        }

        let clock = ContinuousClock()
        let start = clock.now
        slots.withUnsafeMutableBufferPointer { buffer in
            // Each worker writes only its own slots (i ≡ worker mod workers), so the writes never overlap.
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                var i = worker
                while i < inputs.count {
                    out[i] = evaluate(inputs[i])
                    i += workers
                }
            }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        var rows: [String] = []
        var failures: [String] = []
        var points = 0
        for (input, slot) in zip(inputs, slots) {
            let name = input.name
            guard let result = slot else { continue }
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
