import Foundation

/// A count of successes out of trials, with its share and a 95 % Wilson interval.
public struct Proportion: Sendable, Equatable {
    /// The number of successes.
    public let successes: Int
    /// The number of trials.
    public let trials: Int

    /// Creates a proportion.
    public init(successes: Int, trials: Int) {
        self.successes = successes
        self.trials = trials
    }

    /// `successes / trials`, `nil` without trials.
    public var value: Double? { trials > 0 ? Double(successes) / Double(trials) : nil }

    /// The 95 % Wilson score interval; unlike the normal approximation it stays inside [0, 1] and is
    /// honest for shares near 0 or 1, which sensitivities and false-alarm rates often are.
    public var wilsonInterval: ClosedRange<Double>? {
        guard trials > 0 else { return nil }
        let z = 1.959963984540054
        let n = Double(trials), p = Double(successes) / n
        let centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z * (p * (1 - p) / n + z * z / (4 * n * n)).squareRoot() / (1 + z * z / n)
        return max(0, centre - half)...min(1, centre + half)
    }
}

/// What happened to one injected outbreak.
public struct OutbreakOutcome: Sendable, Equatable {
    /// The outbreak's first time point.
    public let start: Int
    /// Its number of time points.
    public let length: Int
    /// Its total number of injected cases.
    public let size: Int
    /// The outbreak's label (for example "k=3").
    public let label: String
    /// Time points from the outbreak's start to its first alarm (0: an alarm at the start), `nil` when
    /// no alarm was raised during the outbreak.
    public let delay: Int?

    /// Whether at least one alarm was raised during the outbreak.
    public var detected: Bool { delay != nil }
}

/// Detection performance of an algorithm over many series with known, injected outbreaks.
///
/// Feed it one series at a time with ``record(alarms:evaluated:outbreaks:)``; read:
///
/// - ``sensitivity``: the share of outbreaks with at least one alarm during the outbreak;
/// - ``medianDelay`` and ``meanDelay``: time points from the start to the first alarm, among detected outbreaks;
/// - ``falseAlarmRate``: alarms on evaluated time points outside every outbreak, per such time point;
/// - ``detectionByLabel()`` and ``detectionBySize(bounds:)``: the probability of detection by outbreak group or size.
///
/// An alarm of `nil` (R's NA, for example a C3 bound on a constant baseline) is neither an alarm nor a
/// quiet period: it counts towards ``undeterminedPeriods`` only.
public struct DetectionPerformance: Sendable, Equatable {
    /// One outcome per scored outbreak, in the order recorded.
    public private(set) var outcomes: [OutbreakOutcome] = []
    /// Evaluated time points outside every outbreak with a determined alarm.
    public private(set) var nonOutbreakPeriods = 0
    /// Alarms on those time points.
    public private(set) var falseAlarms = 0
    /// Evaluated time points whose alarm is `nil`.
    public private(set) var undeterminedPeriods = 0

    /// Creates an empty record.
    public init() {}

    /// Scores the alarms of one series.
    ///
    /// - Parameters:
    ///   - alarms: the alarm of each evaluated time point, `alarms[i]` for time point `evaluated.lowerBound + i`.
    ///   - evaluated: the evaluated time points (the algorithm's range).
    ///   - outbreaks: the outbreaks injected into the series. An outbreak is scored only if its start was
    ///     evaluated (otherwise neither its delay nor whether it was caught early is known); its time
    ///     points are never counted as non-outbreak periods, scored or not.
    /// - Throws: ``EvaluationError/alarmsMismatch(_:)`` when the number of alarms differs from the number
    ///   of evaluated time points.
    public mutating func record(alarms: [Bool?], evaluated: ClosedRange<Int>, outbreaks: [Outbreak]) throws(EvaluationError) {
        guard alarms.count == evaluated.count else {
            throw .alarmsMismatch("\(alarms.count) alarms for the \(evaluated.count) time points \(evaluated.lowerBound)...\(evaluated.upperBound)")
        }
        func alarm(at t: Int) -> Bool? { alarms[t - evaluated.lowerBound] }

        var inOutbreak = Array(repeating: false, count: evaluated.count)
        for outbreak in outbreaks {
            for t in outbreak.timePoints where evaluated.contains(t) {
                inOutbreak[t - evaluated.lowerBound] = true
            }
            guard evaluated.contains(outbreak.start) else { continue }
            let firstAlarm = outbreak.timePoints.first { evaluated.contains($0) && alarm(at: $0) == true }
            outcomes.append(OutbreakOutcome(
                start: outbreak.start, length: outbreak.length, size: outbreak.size, label: outbreak.label,
                delay: firstAlarm.map { $0 - outbreak.start }))
        }
        for (offset, value) in alarms.enumerated() where !inOutbreak[offset] {
            switch value {
            case .none: undeterminedPeriods += 1
            case .some(true): nonOutbreakPeriods += 1; falseAlarms += 1
            case .some(false): nonOutbreakPeriods += 1
            }
        }
        for (offset, value) in alarms.enumerated() where inOutbreak[offset] && value == nil {
            undeterminedPeriods += 1
        }
    }

    /// Adds another record's outbreaks and periods (for example from another worker or scenario).
    public mutating func merge(_ other: DetectionPerformance) {
        outcomes += other.outcomes
        nonOutbreakPeriods += other.nonOutbreakPeriods
        falseAlarms += other.falseAlarms
        undeterminedPeriods += other.undeterminedPeriods
    }

    /// Detected outbreaks out of scored outbreaks.
    public var detection: Proportion {
        Proportion(successes: outcomes.count(where: \.detected), trials: outcomes.count)
    }

    /// The share of outbreaks with at least one alarm during the outbreak; `nil` without outbreaks.
    public var sensitivity: Double? { detection.value }

    /// False alarms out of non-outbreak periods.
    public var falseAlarmShare: Proportion { Proportion(successes: falseAlarms, trials: nonOutbreakPeriods) }

    /// Alarms on non-outbreak periods per non-outbreak period; `nil` without such periods.
    public var falseAlarmRate: Double? { falseAlarmShare.value }

    /// The delays of the detected outbreaks, sorted.
    public var delays: [Int] { outcomes.compactMap(\.delay).sorted() }

    /// The median delay among detected outbreaks (the mean of the two middle values for an even
    /// number); `nil` when none was detected.
    public var medianDelay: Double? {
        let sorted = delays
        guard !sorted.isEmpty else { return nil }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The mean delay among detected outbreaks; `nil` when none was detected.
    public var meanDelay: Double? {
        let sorted = delays
        guard !sorted.isEmpty else { return nil }
        return Double(sorted.reduce(0, +)) / Double(sorted.count)
    }

    /// The probability of detection for each outbreak label, in the order the labels first appear.
    public func detectionByLabel() -> [(label: String, detection: Proportion)] {
        var order: [String] = []
        var counts: [String: (detected: Int, total: Int)] = [:]
        for outcome in outcomes {
            if counts[outcome.label] == nil { order.append(outcome.label) }
            var entry = counts[outcome.label] ?? (0, 0)
            entry.total += 1
            if outcome.detected { entry.detected += 1 }
            counts[outcome.label] = entry
        }
        return order.map { label in
            let entry = counts[label] ?? (0, 0)
            return (label, Proportion(successes: entry.detected, trials: entry.total))
        }
    }

    /// The probability of detection by outbreak size in cases: with bounds `[5, 10, 20]` the classes are
    /// `1...4`, `5...9`, `10...19` and `20...` (sizes below the first bound, including 0, go to the first class).
    public func detectionBySize(bounds: [Int]) -> [(sizes: String, detection: Proportion)] {
        let sortedBounds = Array(Set(bounds)).sorted()
        var classes = Array(repeating: (detected: 0, total: 0), count: sortedBounds.count + 1)
        for outcome in outcomes {
            let index = sortedBounds.firstIndex(where: { outcome.size < $0 }) ?? sortedBounds.count
            classes[index].total += 1
            if outcome.detected { classes[index].detected += 1 }
        }
        return classes.enumerated().map { index, entry in
            let lower = index == 0 ? nil : sortedBounds[index - 1]
            let upper = index < sortedBounds.count ? sortedBounds[index] - 1 : nil
            let name: String
            switch (lower, upper) {
            case let (nil, upper?): name = "≤ \(upper)"
            case let (lower?, upper?): name = lower == upper ? "\(lower)" : "\(lower)–\(upper)"
            case let (lower?, nil): name = "≥ \(lower)"
            case (nil, nil): name = "all"
            }
            return (name, Proportion(successes: entry.detected, trials: entry.total))
        }
    }
}
