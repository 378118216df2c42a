/// A JSON Patch (RFC 6902): a list of operations on JSON Pointer (RFC 6901) paths, applied all or nothing.
///
/// FHIR's `patch` interaction takes one in `application/json-patch+json`; applying it is pure JSON work, so it
/// lives here and the store decides what the patched resource must still satisfy.
public struct JSONPatch: Sendable {
    public enum Operation: Sendable, Equatable {
        case add(path: [String], value: JSON)
        case remove(path: [String])
        case replace(path: [String], value: JSON)
        case move(from: [String], path: [String])
        case copy(from: [String], path: [String])
        case test(path: [String], value: JSON)
    }

    /// A patch that cannot be read, or an operation that cannot be applied: which operation, which of its members,
    /// and why.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The operation's index in the patch; nil for the patch as a whole.
        public var operation: Int?
        /// The member of the operation at fault (`path`, `from`, `value`, `op`).
        public var member: String?
        public var message: String
        /// The patch itself is malformed (as opposed to not applying to this document).
        public var malformed: Bool

        /// Where, as an expression into the patch document: `[2].path`.
        public var location: String? {
            guard let operation else { return nil }
            return "[\(operation)]" + (member.map { "." + $0 } ?? "")
        }

        public var description: String { (location.map { "\($0): " } ?? "") + message }
    }

    public let operations: [Operation]

    /// Reads a patch document (a JSON array of operation objects); every malformed operation is reported.
    public init(_ document: JSON) throws(Failure) {
        guard case .array(let items) = document else {
            throw Failure(operation: nil, member: nil, message: "A JSON Patch is an array of operations", malformed: true)
        }
        var operations: [Operation] = []
        for (i, item) in items.enumerated() {
            func fail(_ member: String?, _ message: String) -> Failure { Failure(operation: i, member: member, message: message, malformed: true) }
            guard case .object(let o) = item else { throw fail(nil, "An operation is a JSON object") }
            guard let op = o["op"]?.stringValue else { throw fail("op", "The operation has no op") }
            func pointer(_ member: String) throws(Failure) -> [String] {
                guard let text = o[member]?.stringValue else { throw fail(member, "The \(op) operation needs '\(member)' (a JSON Pointer)") }
                guard let tokens = Self.pointer(text) else { throw fail(member, "'\(text)' is not a JSON Pointer (it starts with '/', '~' only as ~0 or ~1)") }
                return tokens
            }
            func value() throws(Failure) -> JSON {
                guard let v = o["value"] else { throw fail("value", "The \(op) operation needs a 'value'") }
                return v
            }
            switch op {
            case "add": operations.append(.add(path: try pointer("path"), value: try value()))
            case "remove": operations.append(.remove(path: try pointer("path")))
            case "replace": operations.append(.replace(path: try pointer("path"), value: try value()))
            case "move":
                let from = try pointer("from"), path = try pointer("path")
                if path.count > from.count, Array(path.prefix(from.count)) == from {
                    throw fail("from", "A value cannot be moved into one of its own children")
                }
                operations.append(.move(from: from, path: path))
            case "copy": operations.append(.copy(from: try pointer("from"), path: try pointer("path")))
            case "test": operations.append(.test(path: try pointer("path"), value: try value()))
            default: throw fail("op", "'\(op)' is not an operation (add, remove, replace, move, copy, test)")
            }
        }
        self.operations = operations
    }

    /// The document with every operation applied in order; the first that fails stops the whole patch.
    public func apply(to document: JSON) throws(Failure) -> JSON {
        var doc = document
        for (i, operation) in operations.enumerated() {
            do throws(Step) {
                switch operation {
                case let .add(path, value): doc = try Self.add(value, at: path[...], in: doc)
                case let .remove(path): doc = try Self.remove(path[...], in: doc).document
                case let .replace(path, value) where path.isEmpty:
                    doc = value
                case let .replace(path, value):
                    _ = try Self.value(at: path[...], in: doc)
                    doc = try Self.remove(path[...], in: doc).document
                    doc = try Self.add(value, at: path[...], in: doc)
                case let .move(from, path):
                    let (rest, moved) = try Self.remove(from[...], in: doc)
                    doc = try Self.add(moved, at: path[...], in: rest)
                case let .copy(from, path): doc = try Self.add(try Self.value(at: from[...], in: doc), at: path[...], in: doc)
                case let .test(path, value):
                    guard try Self.value(at: path[...], in: doc) == value else {
                        throw Step(member: "value", message: "The value at \(Self.text(path)) is not the one the test expects")
                    }
                }
            } catch {
                throw Failure(operation: i, member: error.member, message: error.message, malformed: false)
            }
        }
        return doc
    }

    /// Why one operation did not apply.
    struct Step: Error { var member: String; var message: String }

    /// The reference tokens of a JSON Pointer, unescaped; nil when it is not one.
    static func pointer(_ text: String) -> [String]? {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { return nil }
        var tokens: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var escape = false
            for c in raw {
                if escape {
                    switch c {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default: return nil
                    }
                    escape = false
                } else if c == "~" {
                    escape = true
                } else {
                    token.append(c)
                }
            }
            if escape { return nil }
            tokens.append(token)
        }
        return tokens
    }

    static func text(_ path: [String]) -> String {
        guard !path.isEmpty else { return "the document root" }
        return "/" + path.map { token in
            token.reduce(into: "") { out, c in out += c == "~" ? "~0" : c == "/" ? "~1" : String(c) }
        }.joined(separator: "/")
    }

    /// An array index token: digits without a leading zero.
    static func index(_ token: String) -> Int? {
        guard !token.isEmpty, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber), token == "0" || !token.hasPrefix("0") else { return nil }
        return Int(token)
    }

    static func value(at path: ArraySlice<String>, in doc: JSON) throws(Step) -> JSON {
        guard let token = path.first else { return doc }
        switch doc {
        case .object(let o):
            guard let child = o[token] else { throw Step(member: "path", message: "There is no member '\(token)' at \(text(Array(path)))") }
            return try value(at: path.dropFirst(), in: child)
        case .array(let a):
            guard let i = index(token), a.indices.contains(i) else { throw Step(member: "path", message: "'\(token)' is not an element of an array of \(a.count)") }
            return try value(at: path.dropFirst(), in: a[i])
        default:
            throw Step(member: "path", message: "'\(token)' names a child of a \(doc.kindName)")
        }
    }

    static func add(_ value: JSON, at path: ArraySlice<String>, in doc: JSON) throws(Step) -> JSON {
        guard let token = path.first else { return value }
        let last = path.count == 1
        switch doc {
        case .object(var o):
            if last {
                o[token] = value
            } else {
                guard let child = o[token] else { throw Step(member: "path", message: "There is no member '\(token)' to add into") }
                o[token] = try add(value, at: path.dropFirst(), in: child)
            }
            return .object(o)
        case .array(var a):
            if last, token == "-" { a.append(value); return .array(a) }
            guard let i = index(token), last ? i <= a.count : a.indices.contains(i) else {
                throw Step(member: "path", message: "'\(token)' is not a position in an array of \(a.count)")
            }
            if last { a.insert(value, at: i) } else { a[i] = try add(value, at: path.dropFirst(), in: a[i]) }
            return .array(a)
        default:
            throw Step(member: "path", message: "'\(token)' names a child of a \(doc.kindName)")
        }
    }

    static func remove(_ path: ArraySlice<String>, in doc: JSON) throws(Step) -> (document: JSON, removed: JSON) {
        guard let token = path.first else { throw Step(member: "path", message: "The document root cannot be removed") }
        let last = path.count == 1
        switch doc {
        case .object(var o):
            guard let child = o[token] else { throw Step(member: "path", message: "There is no member '\(token)' to remove") }
            if last {
                o[token] = nil
                return (.object(o), child)
            }
            let (changed, removed) = try remove(path.dropFirst(), in: child)
            o[token] = changed
            return (.object(o), removed)
        case .array(var a):
            guard let i = index(token), a.indices.contains(i) else { throw Step(member: "path", message: "'\(token)' is not an element of an array of \(a.count)") }
            if last {
                let removed = a.remove(at: i)
                return (.array(a), removed)
            }
            let (changed, removed) = try remove(path.dropFirst(), in: a[i])
            a[i] = changed
            return (.array(a), removed)
        default:
            throw Step(member: "path", message: "'\(token)' names a child of a \(doc.kindName)")
        }
    }
}
