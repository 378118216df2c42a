import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import ZIPFoundation

/// A .docx or .xlsx read back: its parts by path, unzipped with ZIPFoundation.
struct OfficePackage {
    let parts: [String: Data]

    init(_ data: Data) throws {
        let archive = try Archive(data: data, accessMode: .read)
        var parts: [String: Data] = [:]
        for entry in archive {
            var bytes = Data()
            _ = try archive.extract(entry) { bytes.append($0) }
            parts[entry.path] = bytes
        }
        self.parts = parts
    }

    /// The part's text as UTF-8.
    func text(_ path: String) throws -> String {
        let data = try #require(parts[path], "no part \(path) among \(parts.keys.sorted())")
        return try #require(String(data: data, encoding: .utf8), "\(path) is not UTF-8")
    }

    /// The part parsed as XML (which fails the test if it is not well-formed).
    func xml(_ path: String) throws -> XMLElementNode {
        let data = try #require(parts[path], "no part \(path) among \(parts.keys.sorted())")
        return try XMLElementNode.parse(data, name: path)
    }
}

/// An element of a parsed XML document: qualified name, attributes, children and the text directly inside it.
final class XMLElementNode {
    let name: String
    let attributes: [String: String]
    private(set) var children: [XMLElementNode] = []
    fileprivate(set) var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// Every element below this one (depth first) named `name`.
    func all(_ name: String) -> [XMLElementNode] {
        var found: [XMLElementNode] = []
        for child in children {
            if child.name == name { found.append(child) }
            found += child.all(name)
        }
        return found
    }

    /// The first element below named `name`.
    func first(_ name: String) -> XMLElementNode? { all(name).first }

    /// The text of this element and every element below it.
    var allText: String { text + children.map(\.allText).joined() }

    /// Parses `data`, failing if XMLParser finds it not well-formed.
    static func parse(_ data: Data, name: String) throws -> XMLElementNode {
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        let ok = parser.parse()
        guard ok, let root = builder.root else {
            throw NotWellFormed(part: name, reason: parser.parserError.map { "\($0)" } ?? "no root element")
        }
        return root
    }

    struct NotWellFormed: Error, CustomStringConvertible {
        let part: String
        let reason: String
        var description: String { "\(part) is not well-formed XML: \(reason)" }
    }

    fileprivate func append(_ child: XMLElementNode) { children.append(child) }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: XMLElementNode?
    private var stack: [XMLElementNode] = []

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let node = XMLElementNode(name: qName ?? elementName, attributes: attributeDict)
        if let parent = stack.last { parent.append(node) } else { root = node }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}
