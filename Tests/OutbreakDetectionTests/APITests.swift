import Foundation
import Testing
@testable import OutbreakDetection

@Suite("series, settings and errors")
struct APITests {
    @Test("a series rejects negative counts and a population of the wrong length")
    func seriesValidation() {
        #expect(throws: OutbreakDetectionError.negativeCount(index: 1, value: -2)) { try CountSeries(counts: [1, -2, 3]) }
        #expect(throws: OutbreakDetectionError.populationLengthMismatch(counts: 3, population: 2)) {
            try CountSeries(counts: [1, 2, 3], population: [10, 10])
        }
        #expect(throws: OutbreakDetectionError.invalidPopulation(index: 0, value: 0)) {
            try CountSeries(counts: [1], population: [0])
        }
        #expect(throws: OutbreakDetectionError.invalidFrequency(0)) { try CountSeries(counts: [1], frequency: 0) }
    }

    @Test("time points carry their calendar period")
    func periods() throws {
        let series = try CountSeries(counts: Array(repeating: 1, count: 120), frequency: 52, start: SeriesPeriod(year: 2020, period: 50))
        #expect(series.period(at: 0) == SeriesPeriod(year: 2020, period: 50))
        #expect(series.period(at: 3) == SeriesPeriod(year: 2021, period: 1))
        #expect(series.period(at: 55) == SeriesPeriod(year: 2022, period: 1))
    }

    @Test("too short a history gives an error a person understands")
    func notEnoughHistory() throws {
        let series = try CountSeries(counts: Array(repeating: 3, count: 200))
        #expect {
            try FarringtonFlexible.detect(series)
        } throws: { error in
            guard let error = error as? OutbreakDetectionError, case .notEnoughHistory = error else { return false }
            return error.description.hasPrefix("not enough history: farringtonFlexible with b=5, w=3 needs 5 years")
        }
        #expect(throws: OutbreakDetectionError.self) { try Farrington.detect(series) }
        #expect {
            try FarringtonFlexible.detect(series, options: FarringtonFlexibleOptions(range: 150...199))
        } throws: { error in
            (error as? OutbreakDetectionError)?.description.contains("not enough history") == true
        }
        #expect(throws: OutbreakDetectionError.self) {
            try EARS.detect(try CountSeries(counts: [1, 2, 3, 4]), options: EARSOptions(method: .c3))
        }
    }

    @Test("settings out of range are refused")
    func invalidSettings() throws {
        let series = try CountSeries(counts: Array(repeating: 3, count: 400))
        #expect(throws: OutbreakDetectionError.self) { try EARS.detect(series, options: EARSOptions(baseline: 2)) }
        #expect(throws: OutbreakDetectionError.self) { try EARS.detect(series, options: EARSOptions(minSigma: -1)) }
        #expect(throws: OutbreakDetectionError.self) { try Farrington.detect(series, options: FarringtonOptions(limit54: Limit54(cases: 5, period: 0))) }
        #expect(throws: OutbreakDetectionError.populationRequired(algorithm: "farringtonFlexible with b=5, w=3")) {
            try FarringtonFlexible.detect(series, options: FarringtonFlexibleOptions(populationOffset: true))
        }
        #expect(throws: OutbreakDetectionError.rangeOutOfBounds(range: 300...400, count: 400)) {
            try FarringtonFlexible.detect(series, options: FarringtonFlexibleOptions(range: 300...400))
        }
    }

    @Test("the presets hold the published settings")
    func presets() {
        let original = FarringtonFlexibleOptions.original
        #expect(original.weightsThreshold == 1 && original.noPeriods == 1 && original.pThresholdTrend == 0.05)
        #expect(original.effectivePastWeeksNotIncluded == 3 && original.thresholdMethod == .delta)
        let noufaily = FarringtonFlexibleOptions.noufaily(thresholdMethod: .muan)
        #expect(noufaily.weightsThreshold == 2.58 && noufaily.noPeriods == 10 && noufaily.pThresholdTrend == 1)
        #expect(noufaily.pastWeeksNotIncluded == 26 && noufaily.thresholdMethod == .muan)
        #expect(EARSOptions(method: .c3).effectiveAlpha == 0.025)
        #expect(EARSOptions(method: .c1).effectiveAlpha == 0.001)
    }

    @Test("EARS C3 alarms follow R's rule: the lagged C2 terms against the threshold")
    func c3Rule() throws {
        var counts = [Int](repeating: 0, count: 60)
        for i in counts.indices { counts[i] = 5 + (i * 7) % 4 }
        counts[40] = 30   // a spike: the two following days alarm in R's C3, the spike day itself does not
        let result = try EARS.detect(try CountSeries(counts: counts, frequency: 365), options: EARSOptions(method: .c3))
        for point in result.points {
            guard let bound = point.upperbound, bound > 0, point.sigma > 0 else { continue }
            #expect(point.alarm == (point.score > result.threshold))
        }
        let spike = try #require(result.points.first { $0.index == 40 })
        #expect(spike.alarm == false)
        #expect(spike.publishedC3 > result.threshold)
        #expect(result.points.first { $0.index == 41 }?.alarm == true)
    }

    @Test("SeasonalBlocks splits the years as R's blocks()")
    func seasonalBlocks() throws {
        // R: surveillance:::blocks(c(35, 25, 15), 1:35, "none", 35, 2, 1, 3, FALSE)
        let series = try CountSeries(counts: Array(0..<35), frequency: 10)
        let data = try SeasonalBlocks.referenceData(series: series, at: 34, b: 2, w: 1, noPeriods: 3, pastWeeksNotIncluded: 0, algorithm: "test")
        #expect(data.wtime == (14...34).map(Double.init))
        #expect(data.seasonalGroups == [3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 3])
        #expect(data.response == (13...33).map(Double.init))
        // R: surveillance:::blocks(c(40, 30, 20), 1:40, "none", 40, 2, 1, 4, FALSE), last 3 weeks left out
        let longer = try CountSeries(counts: Array(0..<40), frequency: 10)
        let four = try SeasonalBlocks.referenceData(series: longer, at: 39, b: 2, w: 1, noPeriods: 4, pastWeeksNotIncluded: 2, algorithm: "test")
        #expect(four.seasonalGroups == [4, 4, 4, 1, 1, 1, 2, 2, 3, 3, 4, 4, 4, 1, 1, 1, 2, 2, 3])
        #expect(four.wtime == (19...37).map(Double.init))
    }
}

@Suite("messages")
struct MessageTests {
    @Test("the not-enough-history message names the algorithm, the years and the unit")
    func historyMessage() throws {
        let weekly = try CountSeries(counts: Array(repeating: 2, count: 150))
        #expect {
            try Farrington.detect(weekly)
        } throws: { error in
            (error as? OutbreakDetectionError)?.description
                == "not enough history: Farrington with b=5, w=3 needs 5 years of weekly data (256 weeks) before the first evaluated time point (256)"
        }
        #expect {
            try FarringtonFlexible.detect(weekly, options: FarringtonFlexibleOptions(b: 2, range: 60...149))
        } throws: { error in
            (error as? OutbreakDetectionError)?.description
                == "not enough history: farringtonFlexible with b=2, w=3 needs 2 years of weekly data (104 weeks) before the first evaluated time point (60)"
        }
    }
}
