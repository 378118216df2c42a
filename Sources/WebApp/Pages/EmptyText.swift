import Mustache

/// An empty text is "no value" in a template, as people writing `{{#progress}}<p>{{progress}}</p>{{/progress}}`
/// expect: swift-mustache otherwise treats every string, even "", as present and renders the section.
extension String: @retroactive MustacheCustomRenderable {
    public var renderText: String { self }
    public var isNull: Bool { isEmpty }
}
