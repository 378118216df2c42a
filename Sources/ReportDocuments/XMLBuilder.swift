import Foundation

/// Builds an XML document as text: element names are the writers' own, attribute values and text are escaped.
struct XMLBuilder {
    /// The document so far, starting with the XML declaration.
    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    /// The document as UTF-8.
    var data: Data { Data(text.utf8) }

    /// Opens `name` with `attributes` (those with a `nil` value left out).
    mutating func open(_ name: String, _ attributes: [(String, String?)] = []) {
        text += "<" + name + Self.attributeText(attributes) + ">"
    }

    /// Closes `name`.
    mutating func close(_ name: String) {
        text += "</" + name + ">"
    }

    /// An element with no content.
    mutating func empty(_ name: String, _ attributes: [(String, String?)] = []) {
        text += "<" + name + Self.attributeText(attributes) + "/>"
    }

    /// An element holding `content` as escaped text.
    mutating func element(_ name: String, _ attributes: [(String, String?)] = [], text content: String) {
        open(name, attributes)
        text += XMLText.escaped(content)
        close(name)
    }

    /// Opens `name`, adds what `body` adds and closes it.
    mutating func element(_ name: String, _ attributes: [(String, String?)] = [], body: (inout XMLBuilder) -> Void) {
        open(name, attributes)
        body(&self)
        close(name)
    }

    private static func attributeText(_ attributes: [(String, String?)]) -> String {
        var result = ""
        for (name, value) in attributes {
            guard let value else { continue }
            result += " " + name + "=\"" + XMLText.escaped(value) + "\""
        }
        return result
    }
}
