/// A direction, chapter or sphere of the document, nested as printed.
public struct Section: Sendable, Equatable, Decodable {
    /// The document's numbering ("1", "2.3"), or a stable slug where it prints none ("quality-education").
    public var id: String
    public var ru: String
    public var en: String?
    public var sections: [Section]
    public var extra: [String: PlanValue]

    public init(id: String, ru: String, en: String? = nil, sections: [Section] = [], extra: [String: PlanValue] = [:]) {
        self.id = id
        self.ru = ru
        self.en = en
        self.sections = sections
        self.extra = extra
    }

    private enum CodingKeys: String, CodingKey { case id, ru, en, sections, extra }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        ru = try c.decode(String.self, forKey: .ru)
        en = try c.decodeIfPresent(String.self, forKey: .en)
        sections = try c.decodeIfPresent([Section].self, forKey: .sections) ?? []
        extra = try c.decodeIfPresent([String: PlanValue].self, forKey: .extra) ?? [:]
    }

    /// This section and all sections inside it, depth first.
    public var flattened: [Section] { [self] + sections.flatMap(\.flattened) }
}
