import Foundation
import Testing
@testable import OutbreakDetection

/// One case of the reference fixtures written by `Scripts/surveillance_reference.R`: a series, an R
/// function and its control settings.
struct ReferenceCase: Sendable, CustomTestStringConvertible {
    let name: String
    let series: String
    let frequency: Int
    let algorithm: String
    /// R's control settings, as written in the manifest (`key=value`).
    let params: [String: String]

    var testDescription: String { name }
}

/// A CSV table of R's results: column name to the text of each row.
struct ReferenceTable: Sendable {
    let columns: [String: [String]]
    let rowCount: Int

    init(csv text: String) {
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        let header = lines.first?.split(separator: ",").map(String.init) ?? []
        var columns: [String: [String]] = [:]
        for name in header { columns[name] = [] }
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for (i, name) in header.enumerated() { columns[name, default: []].append(i < fields.count ? fields[i] : "") }
        }
        self.columns = columns
        self.rowCount = max(0, lines.count - 1)
    }

    func strings(_ column: String) -> [String] { columns[column] ?? [] }

    /// A numeric column; NA and NaN become nil.
    func numbers(_ column: String) -> [Double?] {
        strings(column).map { $0 == "NA" || $0 == "NaN" ? nil : Double($0) }
    }

    /// A logical column written as 1/0/NA.
    func flags(_ column: String) -> [Bool?] {
        strings(column).map { $0 == "NA" ? nil : $0 == "1" }
    }
}

enum Fixtures {
    /// The directory of this test target in the repository (symbolic links resolved, so that a
    /// scratch package that links the sources in finds the same files).
    static let testsDirectory: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
    static let directory: URL = testsDirectory.appendingPathComponent("Fixtures")
    /// `Scripts/surveillance_reference.R` of the repository.
    static let referenceScript: URL = testsDirectory
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/surveillance_reference.R")

    static let cases: [ReferenceCase] = (try? loadManifest(in: directory)) ?? []

    static func loadManifest(in directory: URL) throws -> [ReferenceCase] {
        let text = try String(contentsOf: directory.appendingPathComponent("manifest.tsv"), encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) else { return [] }
        return lines.dropFirst().compactMap { line -> ReferenceCase? in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            var row: [String: String] = [:]
            for (i, name) in header.enumerated() where i < fields.count { row[name] = fields[i] }
            guard let name = row["case"], let series = row["series"], let frequency = row["frequency"].flatMap({ Int($0) }),
                  let algorithm = row["algorithm"] else { return nil }
            var params: [String: String] = [:]
            for pair in (row["params"] ?? "").split(separator: ";") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2 { params[kv[0]] = kv[1] }
            }
            return ReferenceCase(name: name, series: series, frequency: frequency, algorithm: algorithm, params: params)
        }
    }

    static func loadSeries(_ name: String, frequency: Int, in directory: URL) throws -> CountSeries {
        let text = try String(contentsOf: directory.appendingPathComponent("series/\(name).csv"), encoding: .utf8)
        let table = ReferenceTable(csv: text)
        let counts = table.strings("count").compactMap { Int($0) }
        let population = table.strings("population")
        let hasPopulation = !population.isEmpty && !population.allSatisfy { $0 == "NA" }
        return try CountSeries(
            counts: counts,
            population: hasPopulation ? population.map { Double($0) ?? .nan } : nil,
            frequency: frequency)
    }

    static func loadResults(_ caseName: String, in directory: URL) throws -> ReferenceTable {
        ReferenceTable(csv: try String(contentsOf: directory.appendingPathComponent("results/\(caseName).csv"), encoding: .utf8))
    }
}

/// Runs the Swift implementation on a reference case and lists every difference from R's results.
enum ReferenceComparison {
    /// Relative tolerance for numbers (absolute below 1).
    static let tolerance = 1e-6

    static func compare(_ referenceCase: ReferenceCase, in directory: URL) throws -> [String] {
        let series = try Fixtures.loadSeries(referenceCase.series, frequency: referenceCase.frequency, in: directory)
        let table = try Fixtures.loadResults(referenceCase.name, in: directory)
        let p = referenceCase.params
        var mismatches: [String] = []
        let rIndex = table.strings("index").compactMap { Int($0) }
        func checkIndices(_ swiftIndices: [Int]) {
            let expected = rIndex.map { $0 - 1 }
            if swiftIndices != expected {
                mismatches.append("time points differ: R \(expected.first ?? -1)...\(expected.last ?? -1) (\(expected.count)), Swift \(swiftIndices.first ?? -1)...\(swiftIndices.last ?? -1) (\(swiftIndices.count))")
            }
        }
        func checkNumbers(_ column: String, _ swift: [Double?]) {
            let r = table.numbers(column)
            for (i, (a, b)) in zip(r, swift).enumerated() where !close(a, b) {
                mismatches.append("\(column) at R index \(rIndex[i]): R \(a.map { "\($0)" } ?? "NA"), Swift \(b.map { "\($0)" } ?? "NA")")
            }
        }
        func checkFlags(_ column: String, _ swift: [Bool?]) {
            let r = table.flags(column)
            for (i, (a, b)) in zip(r, swift).enumerated() where a != b {
                mismatches.append("\(column) at R index \(rIndex[i]): R \(a.map { "\($0)" } ?? "NA"), Swift \(b.map { "\($0)" } ?? "NA")")
            }
        }

        switch referenceCase.algorithm {
        case "earsC":
            var options = EARSOptions()
            if let m = p["method"], let method = EARSMethod(rawValue: m) { options.method = method }
            if let v = p["baseline"].flatMap(Double.init) { options.baseline = Int(v) }
            if let v = p["minSigma"].flatMap(Double.init) { options.minSigma = v }
            if let v = p["alpha"].flatMap(Double.init) { options.alpha = v }
            options.range = rangeParam(p["range"])
            let result = try EARS.detect(series, options: options)
            checkIndices(result.points.map(\.index))
            checkNumbers("upperbound", result.points.map(\.upperbound))
            checkFlags("alarm", result.points.map(\.alarm))
        case "algo.farrington":
            var options = FarringtonOptions()
            if let v = p["b"].flatMap(Double.init) { options.b = Int(v) }
            if let v = p["w"].flatMap(Double.init) { options.w = Int(v) }
            if let v = p["reweight"] { options.reweight = v == "TRUE" }
            if let v = p["alpha"].flatMap(Double.init) { options.alpha = v }
            if let v = p["trend"] { options.trend = v == "TRUE" }
            if let v = limit54Param(p["limit54"]) { options.limit54 = v }
            if let v = p["powertrans"].flatMap(PowerTransform.init(rawValue:)) { options.powerTransform = v }
            if let v = p["fitFun"].flatMap(FarringtonFitFunction.init(rawValue:)) { options.fitFunction = v }
            options.range = rangeParam(p["range"])
            let result = try Farrington.detect(series, options: options)
            let points = result.points
            checkIndices(points.map(\.index))
            checkNumbers("upperbound", points.map(\.upperbound))
            checkFlags("alarm", points.map(\.alarm))
            checkFlags("trend", points.map(\.trend))
            checkNumbers("probability", points.map(\.probability))
            checkNumbers("median", points.map(\.expected))
        case "farringtonFlexible":
            var options = FarringtonFlexibleOptions()
            if let v = p["b"].flatMap(Double.init) { options.b = Int(v) }
            if let v = p["w"].flatMap(Double.init) { options.w = Int(v) }
            if let v = p["reweight"] { options.reweight = v == "TRUE" }
            if let v = p["weightsThreshold"].flatMap(Double.init) { options.weightsThreshold = v }
            if let v = p["alpha"].flatMap(Double.init) { options.alpha = v }
            if let v = p["trend"] { options.trend = v == "TRUE" }
            if let v = p["pThresholdTrend"].flatMap(Double.init) { options.pThresholdTrend = v }
            if let v = limit54Param(p["limit54"]) { options.limit54 = v }
            if let v = p["powertrans"].flatMap(PowerTransform.init(rawValue:)) { options.powerTransform = v }
            if let v = p["populationOffset"] { options.populationOffset = v == "TRUE" }
            if let v = p["noPeriods"].flatMap(Double.init) { options.noPeriods = Int(v) }
            if let v = p["pastWeeksNotIncluded"].flatMap(Double.init) { options.pastWeeksNotIncluded = Int(v) }
            if let v = p["thresholdMethod"].flatMap(ThresholdMethod.init(rawValue:)) { options.thresholdMethod = v }
            options.range = rangeParam(p["range"])
            let result = try FarringtonFlexible.detect(series, options: options)
            let points = result.points
            checkIndices(points.map(\.index))
            checkNumbers("upperbound", points.map(\.upperbound))
            checkFlags("alarm", points.map(\.alarm))
            checkNumbers("expected", points.map(\.expected))
            checkNumbers("score", points.map(\.score))
            checkNumbers("pvalue", points.map(\.pValue))
            checkFlags("trend", points.map(\.trend))
            checkNumbers("phi", points.map(\.phi))
            checkNumbers("trendCoefficient", points.map(\.trendCoefficient))
            checkNumbers("mu0", points.map(\.mu0))
        default:
            mismatches.append("unknown algorithm \(referenceCase.algorithm)")
        }
        return mismatches
    }

    /// R's `CASES,PERIOD`.
    static func limit54Param(_ text: String?) -> Limit54? {
        guard let text else { return nil }
        let parts = text.split(separator: ",").compactMap { Double($0) }
        guard parts.count == 2 else { return nil }
        return Limit54(cases: Int(parts[0]), period: Int(parts[1]))
    }

    /// R's 1-based `FROM:TO` as 0-based time points.
    static func rangeParam(_ text: String?) -> ClosedRange<Int>? {
        guard let text else { return nil }
        let parts = text.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        return (parts[0] - 1)...(parts[1] - 1)
    }

    static func close(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?):
            if x == y { return true }   // also equal infinities
            if !x.isFinite || !y.isFinite { return false }
            return abs(x - y) <= tolerance * max(1, abs(x))
        default: return false
        }
    }
}
