import StatePlans

extension Plan {
    /// Every measure's stable key in document order, as progress reports store it: its number ("2.26"), prefixed by
    /// its section where the plan's numbering restarts per section ("10.8"); an unnumbered row by the number it
    /// follows ("3.after-1"). Computed in one pass: look keys up in `measuresByKey`, not one by one.
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
