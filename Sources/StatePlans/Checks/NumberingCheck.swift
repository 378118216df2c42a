/// Numbers must run 1, 2, 3 … without gaps or repeats within each list: the top-level measures (per section where
/// the document restarts its numbering in every section), the sub-items of each parent or number prefix
/// ("2.1", "2.2" …), the indicators and the expected results. A row the document leaves unnumbered is reported.
public struct NumberingCheck: PlanCheck {
    public init() {}

    public func run(_ plan: Plan) -> [Discrepancy] {
        let perSection = plan.numbersRestartPerSection
        let measures = plan.measures.map { measure -> Item in
            let group: String = if let parent = measure.parent { (perSection ? measure.section + "/" : "") + "parent " + parent }
                else if let number = measure.number, let prefix = Self.prefix(number) { "prefix " + prefix }
                else if perSection { "section " + measure.section }
                else { "top" }
            return Item(number: measure.number, group: group, label: plan.label(of: measure))
        }
        let indicators = plan.indicators.map { Item(number: $0.number, group: Self.prefix($0.number) ?? "top", label: "indicator \($0.number)") }
        let results = plan.expectedResults.map { Item(number: $0.number, group: Self.prefix($0.number) ?? "top", label: "expected result \($0.number)") }
        return [measures, indicators, results].flatMap { check($0, plan: plan) }
    }

    struct Item {
        let number: String?
        let group: String
        let label: String
    }

    private func check(_ items: [Item], plan: Plan) -> [Discrepancy] {
        var found: [Discrepancy] = []
        var next: [String: Int] = [:]
        var seen: [String: Set<Int>] = [:]
        for item in items {
            guard let number = item.number else {
                found.append(Discrepancy(planID: plan.id, kind: .numbering, location: item.label, column: nil,
                                         expected: "a number", found: "none",
                                         message: "\(item.label): the row has no number"))
                continue
            }
            guard let last = number.split(separator: ".").last.flatMap({ Int($0) }) else { continue }
            let expected = next[item.group, default: 1]
            if seen[item.group, default: []].contains(last) {
                found.append(Discrepancy(planID: plan.id, kind: .numbering, location: item.label, column: nil,
                                         expected: "\(expected)", found: number,
                                         message: "\(item.label): the number \(number) is used twice"))
            } else if last > expected {
                let missing = (expected..<last).map { Self.replacingLast(of: number, with: $0) }
                found.append(Discrepancy(planID: plan.id, kind: .numbering, location: item.label, column: nil,
                                         expected: Self.replacingLast(of: number, with: expected), found: number,
                                         message: "\(item.label): the numbering skips \(missing.joined(separator: ", "))"))
            } else if last < expected {
                found.append(Discrepancy(planID: plan.id, kind: .numbering, location: item.label, column: nil,
                                         expected: Self.replacingLast(of: number, with: expected), found: number,
                                         message: "\(item.label): the number \(number) is out of order"))
            }
            seen[item.group, default: []].insert(last)
            next[item.group] = max(expected, last + 1)
        }
        return found
    }

    /// "1.8" for "1.8.2"; `nil` for an undotted number.
    static func prefix(_ number: String) -> String? {
        guard let dot = number.lastIndex(of: ".") else { return nil }
        return String(number[..<dot])
    }

    static func replacingLast(of number: String, with value: Int) -> String {
        prefix(number).map { "\($0).\(value)" } ?? "\(value)"
    }
}
