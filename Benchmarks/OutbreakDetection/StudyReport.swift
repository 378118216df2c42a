import Foundation
import OutbreakDetection

/// The detection study's results as Markdown tables.
enum StudyReport {
    static let sizeBounds = [5, 10, 20, 50, 100]

    static func markdown(_ outcome: DetectionStudy.Outcome, study: DetectionStudy) -> String {
        let algorithms = StudyAlgorithm.allCases.filter { outcome.performance[$0] != nil }
        var lines: [String] = []
        lines.append("Seed \(study.seed), \(study.replicates) series per scenario and outbreak size, \(outcome.seriesCount) series in all.")
        lines.append("")
        lines.append("| algorithm | data | nominal level | outbreaks | sensitivity (95 % CI) | delay median / mean | false-alarm rate (95 % CI) | NA periods |")
        lines.append("|---|---|---|---:|---|---|---|---:|")
        for algorithm in algorithms {
            guard let performance = outcome.performance[algorithm] else { continue }
            let unit = algorithm.isDaily ? "days" : "weeks"
            lines.append("| \(algorithm.rawValue) | \(algorithm.isDaily ? "daily" : "weekly") | \(algorithm.nominal) | \(performance.outcomes.count) | "
                + "\(percent(performance.detection)) | \(number(performance.medianDelay)) / \(number(performance.meanDelay)) \(unit) | "
                + "\(percent(performance.falseAlarmShare, digits: 2)) | \(performance.undeterminedPeriods) |")
        }

        lines.append("")
        lines.append("Probability of detection by outbreak size in standard deviations of the baseline count (k):")
        lines.append("")
        let labels = DetectionStudy.sizeMultipliers.map { "k=\(Int($0))" }
        lines.append("| algorithm | " + labels.joined(separator: " | ") + " |")
        lines.append("|---|" + labels.map { _ in "---:" }.joined(separator: "|") + "|")
        for algorithm in algorithms {
            guard let performance = outcome.performance[algorithm] else { continue }
            let byLabel = Dictionary(performance.detectionByLabel().map { ($0.label, $0.detection) }, uniquingKeysWith: { first, _ in first })
            lines.append("| \(algorithm.rawValue) | " + labels.map { byLabel[$0].map { percent($0, interval: false) } ?? "–" }.joined(separator: " | ") + " |")
        }

        lines.append("")
        lines.append("Probability of detection by outbreak size in cases (number of outbreaks in brackets):")
        lines.append("")
        let sizeClasses = DetectionPerformance().detectionBySize(bounds: sizeBounds).map(\.sizes)
        lines.append("| algorithm | " + sizeClasses.map { "\($0) cases" }.joined(separator: " | ") + " |")
        lines.append("|---|" + sizeClasses.map { _ in "---:" }.joined(separator: "|") + "|")
        for algorithm in algorithms {
            guard let performance = outcome.performance[algorithm] else { continue }
            let cells = performance.detectionBySize(bounds: sizeBounds).map { "\(percent($0.detection, interval: false)) (\($0.detection.trials))" }
            lines.append("| \(algorithm.rawValue) | " + cells.joined(separator: " | ") + " |")
        }

        lines.append("")
        lines.append("By scenario: sensitivity / false-alarm rate / median delay:")
        lines.append("")
        lines.append("| scenario | algorithm | sensitivity | false-alarm rate | median delay |")
        lines.append("|---|---|---:|---:|---:|")
        for scenario in StudyScenario.weekly + StudyScenario.daily {
            guard let perAlgorithm = outcome.byScenario[scenario.name] else { continue }
            for algorithm in algorithms {
                guard let performance = perAlgorithm[algorithm] else { continue }
                lines.append("| \(scenario.isDaily ? "daily" : "weekly") \(scenario.name) | \(algorithm.rawValue) | "
                    + "\(percent(performance.detection, interval: false)) | \(percent(performance.falseAlarmShare, digits: 2, interval: false)) | "
                    + "\(number(performance.medianDelay)) |")
            }
        }
        if !outcome.failures.isEmpty {
            lines.append("")
            lines.append("Runs that failed (\(outcome.failures.count)): " + outcome.failures.prefix(5).joined(separator: "; "))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func percent(_ proportion: Proportion, digits: Int = 1, interval: Bool = true) -> String {
        guard let value = proportion.value else { return "–" }
        let main = String(format: "%.\(digits)f %%", 100 * value)
        guard interval, let ci = proportion.wilsonInterval else { return main }
        return main + String(format: " (%.\(digits)f–%.\(digits)f)", 100 * ci.lowerBound, 100 * ci.upperBound)
    }

    private static func number(_ value: Double?) -> String {
        guard let value else { return "–" }
        return String(format: "%.1f", value)
    }
}
