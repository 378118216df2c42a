import StatePlans

extension Plan {
    /// A measure's stable key within its plan, as progress reports store it: its number ("2.26"), prefixed by its
    /// section where the plan's numbering restarts per section ("10.8"); an unnumbered row by the number it follows
    /// ("3.after-1").
    public func key(of measure: Measure) -> String {
        let scope = numbersRestartPerSection ? measure.section + "." : ""
        if let number = measure.number { return scope + number }
        let index = measures.firstIndex(of: measure) ?? 0
        let previous = measures[..<index].last { $0.section == measure.section && $0.number != nil }?.number ?? "0"
        return measure.section + ".after-" + previous
    }

    /// Every measure's key in document order, in one pass (`key(of:)` per measure would rescan the plan each time).
    public var measureKeys: [String] {
        let perSection = numbersRestartPerSection
        var lastNumber: [String: String] = [:]
        return measures.map { m in
            defer { if let n = m.number { lastNumber[m.section] = n } }
            if let n = m.number { return (perSection ? m.section + "." : "") + n }
            return m.section + ".after-" + (lastNumber[m.section] ?? "0")
        }
    }

    /// The measures by key: build it once where many keys are looked up.
    public var measuresByKey: [String: Measure] {
        Dictionary(zip(measureKeys, measures).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
    }

    /// The measure with this key.
    public func measure(key: String) -> Measure? {
        measuresByKey[key]
    }

    /// The executors named in the plan (each responsible body's wording), in first-mention order.
    public var executors: [String] {
        var seen: [String] = []
        for m in measures { for b in m.responsible where !seen.contains(b.ru) { seen.append(b.ru) } }
        return seen
    }
}
