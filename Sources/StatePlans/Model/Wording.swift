/// A piece of the document's text: `ru` verbatim as printed, `en` a short faithful translation.
public struct Wording: Sendable, Equatable, Decodable {
    /// The Russian text as printed; `nil` where the document prints no title (e.g. the roadmap's totals table).
    public var ru: String?
    public var en: String?

    public init(ru: String?, en: String? = nil) {
        self.ru = ru
        self.en = en
    }
}
