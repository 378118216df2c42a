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

    /// The measure with this key.
    public func measure(key: String) -> Measure? {
        measures.first { self.key(of: $0) == key }
    }

    /// The executors named in the plan (each responsible body's wording), in first-mention order.
    public var executors: [String] {
        var seen: [String] = []
        for m in measures { for b in m.responsible where !seen.contains(b.ru) { seen.append(b.ru) } }
        return seen
    }
}
