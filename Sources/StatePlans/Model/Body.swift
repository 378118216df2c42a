/// A responsible executor as the document names it.
public struct Body: Sendable, Equatable, Decodable {
    /// The document's name or abbreviation ("МЗ"), without "(по согласованию)".
    public var ru: String
    public var en: String?
    /// The first-named or marked lead executor.
    public var lead: Bool
    /// Printed "(по согласованию)": a body outside the government's direct authority.
    public var byAgreement: Bool

    public init(ru: String, en: String? = nil, lead: Bool = false, byAgreement: Bool = false) {
        self.ru = ru
        self.en = en
        self.lead = lead
        self.byAgreement = byAgreement
    }

    private enum CodingKeys: String, CodingKey { case ru, en, lead, byAgreement }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ru = try c.decode(String.self, forKey: .ru)
        en = try c.decodeIfPresent(String.self, forKey: .en)
        lead = try c.decodeIfPresent(Bool.self, forKey: .lead) ?? false
        byAgreement = try c.decodeIfPresent(Bool.self, forKey: .byAgreement) ?? false
    }
}
