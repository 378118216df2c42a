import Foundation
import PandemicRegime
import Testing

/// The estimator against EpiEstim 2.2-4 (`estimate_R`, parametric serial interval, weekly sliding windows): the
/// committed fixture always, and a fresh random series through R itself where EpiEstim is installed.
@Suite struct ReproductionNumberTests {
    struct Row { var series: String; var day: Int; var cases: Int; var expected: [Double]?; var meanSI: Double; var sdSI: Double }

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func rows(_ csv: String) -> [Row] {
        csv.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 11, let day = Int(f[1]), let cases = Int(f[2]), let meanSI = Double(f[9]), let sdSI = Double(f[10]) else { return nil }
            let values = f[4...8].map { Double($0) }
            return Row(series: f[0], day: day, cases: cases, expected: values.contains(nil) ? nil : values.compactMap { $0 }, meanSI: meanSI, sdSI: sdSI)
        }
    }

    /// Compares every window of every series; returns how many windows were compared.
    static func compare(_ rows: [Row]) -> Int {
        var compared = 0
        for (name, series) in Dictionary(grouping: rows, by: \.series) {
            let series = series.sorted { $0.day < $1.day }
            let estimator = ReproductionNumber(serialInterval: SerialInterval(mean: series[0].meanSI, standardDeviation: series[0].sdSI))
            let estimates = estimator.estimates(dailyCases: series.map(\.cases))
            #expect(estimates.count == series.count - 7, "\(name)")
            for row in series {
                let estimate = row.day >= 7 && row.day - 7 < estimates.count ? estimates[row.day - 7] : nil
                guard let expected = row.expected else {
                    #expect(estimate == nil, "\(name) day \(row.day): EpiEstim gives NA")
                    continue
                }
                guard let e = estimate else { Issue.record("\(name) day \(row.day): no estimate, EpiEstim gives \(expected)"); continue }
                let got = [e.mean, e.standardDeviation, e.lower, e.median, e.upper]
                for (g, x) in zip(got, expected) {
                    #expect(abs(g - x) <= 1e-9 * max(1, abs(x)), "\(name) day \(row.day): \(got) vs EpiEstim \(expected)")
                }
                compared += 1
            }
        }
        return compared
    }

    @Test func matchesEpiEstimOnTheCommittedSeries() throws {
        let csv = try String(contentsOf: Self.fixtures.appendingPathComponent("epiestim.csv"), encoding: .utf8)
        let rows = Self.rows(csv)
        #expect(Set(rows.map(\.series)) == ["flu2009", "growth_then_decline", "sparse"])
        #expect(Self.compare(rows) > 80)
    }

    static let rscript = ["/usr/bin/Rscript", "/usr/local/bin/Rscript"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let epiEstimInstalled: Bool = {
        guard let rscript else { return false }
        return (try? run(rscript, ["-e", "quit(status = if (requireNamespace('EpiEstim', quietly = TRUE)) 0 else 1)"])) == 0
    }()

    static func run(_ tool: String, _ arguments: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// Live: R draws a new epidemic curve and estimates R; we estimate the same curve. Skipped (and says so) where
    /// EpiEstim is not installed; CI installs r-cran-epiestim.
    @Test(.enabled(if: epiEstimInstalled, "needs Rscript with EpiEstim (Debian r-cran-epiestim)"), arguments: [(7, 90, 4.7, 2.9), (42, 45, 3.96, 4.75), (2024, 120, 6.5, 4.0)])
    func matchesEpiEstimLive(seed: Int, days: Int, meanSI: Double, sdSI: Double) throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("epiestim-\(seed)-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: out) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts/epiestim_reference.R").path
        guard let rscript = Self.rscript else { return }
        #expect(try Self.run(rscript, [script, out.path, String(seed), String(days), String(meanSI), String(sdSI)]) == 0)
        let rows = Self.rows(try String(contentsOf: out, encoding: .utf8))
        #expect(rows.count == days)
        #expect(Self.compare(rows) >= days - 8)
    }

    @Test func theSerialIntervalIsADistributionStartingAtZero() {
        let w = SerialInterval.covid19.discretized(count: 60)
        #expect(w[0] == 0)
        #expect(abs(w.reduce(0, +) - 1) < 1e-9)
        let mean = w.enumerated().reduce(0) { $0 + Double($1.offset) * $1.element }
        #expect(abs(mean - 4.7) < 1e-6)
    }

    @Test func gammaQuantilesInvertTheDistribution() {
        for (shape, scale) in [(0.5, 2.0), (1.0, 5.0), (3.7, 0.01), (250.0, 0.004), (10_000.0, 0.0001)] {
            let g = GammaDistribution(shape: shape, scale: scale)
            for p in [0.001, 0.025, 0.5, 0.975, 0.999] {
                #expect(abs(g.cdf(g.quantile(p)) - p) < 1e-10, "shape \(shape) p \(p)")
            }
        }
        // R: print(qgamma(0.975, 2, scale = 3), digits = 17)
        #expect(abs(GammaDistribution(shape: 2, scale: 3).quantile(0.975) - 16.714930172816697) < 1e-9)
    }
}
