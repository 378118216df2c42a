import Foundation

/// One government document transcribed into data (see `docs/plans/format.md`).
public struct Plan: Sendable, Equatable, Decodable {
    public enum Kind: String, Sendable, Equatable, Decodable {
        case plan, concept, roadmap
        case digitalMap = "digital-map"
    }

    /// The act that approves the document.
    public struct Act: Sendable, Equatable, Decodable {
        public var ru: String?
        public var en: String?
        /// `YYYY-MM-DD`; `nil` where the document leaves it blank (a draft).
        public var date: String?
        public var number: String?
        /// Dates of the amending acts the document marks.
        public var amended: [String]
        /// The draft's own date and header, for a document that is a draft (seed 000).
        public var draft: PlanValue?

        private enum CodingKeys: String, CodingKey { case ru, en, date, number, amended, draft }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            ru = try c.decodeIfPresent(String.self, forKey: .ru)
            en = try c.decodeIfPresent(String.self, forKey: .en)
            date = try c.decodeIfPresent(String.self, forKey: .date)
            number = try c.decodeIfPresent(String.self, forKey: .number)
            amended = try c.decodeIfPresent([String].self, forKey: .amended) ?? []
            draft = try c.decodeIfPresent(PlanValue.self, forKey: .draft)
        }
    }

    public var id: String
    /// The seed document the plan was transcribed from ("004").
    public var seed: String
    public var kind: Kind
    public var title: Wording
    public var act: Act?
    public var period: YearRange
    /// The unit of the measures' amounts; `nil` for a plan that prints no money of its own.
    public var currency: Currency?
    public var reporting: [ReportingClause]
    public var sections: [Section]
    public var indicators: [Indicator]
    public var expectedResults: [Indicator]
    /// In document order; sub-items carry `parent`.
    public var measures: [Measure]
    public var financing: Financing?
    public var notes: [PlanValue]
    public var extra: [String: PlanValue]

    private enum CodingKeys: String, CodingKey {
        case id, seed, kind, title, act, period, currency, reporting, sections, indicators, expectedResults, measures,
             financing, notes, extra
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        seed = try c.decode(String.self, forKey: .seed)
        kind = try c.decode(Kind.self, forKey: .kind)
        title = try c.decode(Wording.self, forKey: .title)
        act = try c.decodeIfPresent(Act.self, forKey: .act)
        period = try c.decode(YearRange.self, forKey: .period)
        currency = try c.decodeIfPresent(Currency.self, forKey: .currency)
        reporting = try c.decodeIfPresent([ReportingClause].self, forKey: .reporting) ?? []
        sections = try c.decodeIfPresent([Section].self, forKey: .sections) ?? []
        indicators = try c.decodeIfPresent([Indicator].self, forKey: .indicators) ?? []
        expectedResults = try c.decodeIfPresent([Indicator].self, forKey: .expectedResults) ?? []
        measures = try c.decodeIfPresent([Measure].self, forKey: .measures) ?? []
        financing = try c.decodeIfPresent(Financing.self, forKey: .financing)
        notes = try c.decodeIfPresent([PlanValue].self, forKey: .notes) ?? []
        extra = try c.decodeIfPresent([String: PlanValue].self, forKey: .extra) ?? [:]
    }

    // MARK: - Navigation

    /// All sections, nested ones included, depth first.
    public var allSections: [Section] { sections.flatMap(\.flattened) }

    /// The ids of `section` and of every section nested in it.
    public func sectionIDs(within section: String) -> Set<String> {
        guard let found = allSections.first(where: { $0.id == section }) else { return [section] }
        return Set(found.flattened.map(\.id))
    }

    /// Whether numbering restarts in every section (the pandemic plan: "1" in each of its ten sections), so a
    /// measure is known by its section and number together.
    public var numbersRestartPerSection: Bool {
        var seen: [String: String] = [:]
        for measure in measures where measure.parent == nil {
            guard let number = measure.number, !number.contains(".") else { continue }
            if let section = seen[number], section != measure.section { return true }
            seen[number] = measure.section
        }
        return false
    }

    /// The first measure with this number (in `section`, for plans whose numbering restarts per section).
    public func measure(_ number: String, section: String? = nil) -> Measure? {
        measures.first { $0.number == number && (section == nil || $0.section == section) }
    }

    /// The measures whose `parent` is `measure`'s number, in document order.
    public func children(of measure: Measure) -> [Measure] {
        guard let number = measure.number else { return [] }
        let perSection = numbersRestartPerSection
        return measures.filter { $0.parent == number && (!perSection || $0.section == measure.section) }
    }

    /// The measures that are nobody's sub-item.
    public var topLevelMeasures: [Measure] { measures.filter { $0.parent == nil } }

    /// How a discrepancy names a measure: "measure 11", "measure 1.8.2", or "section 10, measure 8" where numbering
    /// restarts per section; an unnumbered row by the number it follows.
    public func label(of measure: Measure) -> String {
        let scope = numbersRestartPerSection ? "section \(measure.section), " : ""
        if let number = measure.number { return "\(scope)measure \(number)" }
        let index = measures.firstIndex(of: measure) ?? 0
        let previous = measures[..<index].last(where: { $0.section == measure.section && $0.number != nil })?.number
        return "\(scope)unnumbered row" + (previous.map { " after \($0)" } ?? "")
    }

    /// The unit the measures' amounts are in.
    public var measureUnit: MoneyUnit? { currency?.unit }
}
