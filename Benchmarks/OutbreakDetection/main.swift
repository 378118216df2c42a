// outbreak-benchmark: the speed benchmark against R's surveillance and the measured detection study
// of the OutbreakDetection module (docs/benchmarks.md, docs/outbreak-detection.md).
//
//   outbreak-benchmark generate --out DIR [--seed N]
//       writes DIR/series.csv: 1,200 weekly series (20 regions × 60 diseases, 364 weeks).
//   outbreak-benchmark speed --series FILE --out FILE [--settings noufaily|original|both] [--max-series N] [--threads N]
//       runs farringtonFlexible on the last 52 weeks of every series, writes the upper bounds and
//       alarms as CSV and prints one TIMING line per setting (time around the loop only).
//   outbreak-benchmark study --out FILE [--seed N] [--replicates N]
//       runs the detection study and writes (and prints) its Markdown tables.

import Foundation
import OutbreakDetection

/// The command line: a mode and `--name value` options.
struct CommandLineOptions {
    let mode: String
    let values: [String: String]

    static let usage = """
        usage: outbreak-benchmark generate --out DIR [--seed N]
               outbreak-benchmark speed --series FILE --out FILE [--settings noufaily|original|both] [--max-series N] [--threads N]
               outbreak-benchmark study --out FILE [--seed N] [--replicates N]
        """

    init(_ arguments: [String]) throws(BenchmarkError) {
        guard let mode = arguments.first else { throw .usage(Self.usage) }
        var values: [String: String] = [:]
        var rest = arguments.dropFirst()[...]
        while let name = rest.popFirst() {
            guard name.hasPrefix("--"), let value = rest.popFirst() else {
                throw .usage("expected --name value, got \(name)\n" + Self.usage)
            }
            values[String(name.dropFirst(2))] = value
        }
        self.mode = mode
        self.values = values
    }

    func required(_ name: String) throws(BenchmarkError) -> String {
        guard let value = values[name] else { throw .usage("missing --\(name)\n" + Self.usage) }
        return value
    }

    func integer(_ name: String, default fallback: Int) throws(BenchmarkError) -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), value >= 0 else { throw .usage("--\(name) must be a non-negative integer, got \(text)") }
        return value
    }
}

/// The fixed default seed, so that every documented number can be reproduced.
let defaultSeed = 20_251_203

func runBenchmark(_ options: CommandLineOptions) throws(BenchmarkError) {
    switch options.mode {
    case "generate":
        let directory = try options.required("out")
        let seed = UInt64(try options.integer("seed", default: defaultSeed))
        let series: [BenchmarkSeries]
        do {
            series = try BenchmarkData.generate(seed: seed)
        } catch {
            throw .generation(error.description)
        }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("series.csv").path
        try SeriesCSV.write(series, to: path)
        print("wrote \(series.count) series of \(BenchmarkData.weeks) weeks to \(path)")

    case "speed":
        var series = try SeriesCSV.read(from: try options.required("series"))
        if let limit = options.values["max-series"] {
            // A quick estimate on the first series only; the R script takes the same limit.
            guard let count = Int(limit), count > 0 else { throw .usage("--max-series must be a positive integer") }
            series = Array(series.prefix(count))
        }
        let out = try options.required("out")
        let settingsText = options.values["settings"] ?? "both"
        let settings: [BenchmarkSettings]
        if settingsText == "both" {
            settings = BenchmarkSettings.allCases
        } else if let single = BenchmarkSettings(rawValue: settingsText) {
            settings = [single]
        } else {
            throw .usage("--settings must be noufaily, original or both")
        }
        var rows = [SpeedRun.csvHeader]
        for setting in settings {
            let threads = try options.integer("threads", default: 1)
            let outcome = SpeedRun.run(series, settings: setting, threads: threads)
            rows += outcome.csvRows
            for failure in outcome.failures.prefix(10) { print("failed: \(failure)") }
            print("TIMING settings=\(setting.rawValue) threads=\(threads) seconds=\(String(format: "%.4f", outcome.seconds)) series=\(series.count) points=\(outcome.evaluatedPoints) failures=\(outcome.failures.count)")
        }
        try TextFile.write(rows.joined(separator: "\n") + "\n", to: out)

    case "study":
        let out = try options.required("out")
        let study = DetectionStudy(seed: UInt64(try options.integer("seed", default: defaultSeed)),
                                   replicates: max(1, try options.integer("replicates", default: 200)))
        let outcome: DetectionStudy.Outcome
        do {
            outcome = try study.run { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
        } catch {
            throw .generation(error.description)
        }
        let markdown = StudyReport.markdown(outcome, study: study)
        try TextFile.write(markdown, to: out)
        print(markdown, terminator: "")

    default:
        throw .usage(CommandLineOptions.usage)
    }
}

do {
    try runBenchmark(try CommandLineOptions(Array(CommandLine.arguments.dropFirst())))
} catch {
    FileHandle.standardError.write(Data("outbreak-benchmark: \(error)\n".utf8))
    exit(1)
}
