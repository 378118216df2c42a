/// A JSON value as FHIR needs it: numbers keep their literal text (FHIR decimals carry precision,
/// `1.50` must not come back as `1.5`) and objects keep their key order.
public enum JSON: Sendable {
    case null
    case bool(Bool)
    /// The number exactly as written in the source text.
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)
    /// JSON text that is already serialized (a stored resource), written out as it is. The parser never makes
    /// it; responses use it so that stored resources are not parsed and re-serialized on the way out.
    case verbatim(String)

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var numberLiteral: String? { if case .number(let n) = self { return n } else { return nil } }
    public var doubleValue: Double? { if case .number(let n) = self { return Double(n) } else { return nil } }
    public var intValue: Int? { if case .number(let n) = self { return Int(n) } else { return nil } }
    /// The element at `index` of an array; nil for other values and indices out of range.
    public subscript(index: Int) -> JSON? {
        guard case .array(let a) = self, a.indices.contains(index) else { return nil }
        return a[index]
    }
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The member `key` of an object, nil for anything else.
    public subscript(key: String) -> JSON? {
        get { objectValue?[key] }
    }

    /// Elements of an array, or the value itself as a one-element list (FHIR's repeating elements).
    public var listValue: [JSON] {
        if case .array(let a) = self { return a }
        return [self]
    }

    /// A short name of the JSON kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        case .verbatim: "JSON text"
        }
    }
}

extension JSON: Equatable {
    /// Semantic equality: object key order does not matter; numbers compare by literal, then by value.
    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b || (Double(a) != nil && Double(a) == Double(b) && scale(a) == scale(b))
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)): return a == b
        case let (.verbatim(a), .verbatim(b)) where a == b: return true
        case (.verbatim, _), (_, .verbatim):
            let (l, r) = (lhs.resolved, rhs.resolved)
            return l.isVerbatim || r.isVerbatim ? false : l == r   // unparseable text equals only itself
        default: return false
        }
    }

    var isVerbatim: Bool { if case .verbatim = self { return true } else { return false } }

    /// The parsed value of `.verbatim` text (itself for anything else).
    public var resolved: JSON {
        if case .verbatim(let text) = self, let parsed = try? JSONParser.parse(text) { return parsed }
        return self
    }

    /// Digits after the decimal point, ignoring exponent notation differences.
    private static func scale(_ literal: String) -> Int {
        guard let dot = literal.firstIndex(of: ".") else { return 0 }
        return literal[literal.index(after: dot)...].prefix { $0.isNumber }.count
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }
    public init(nilLiteral: ()) { self = .null }
}

/// An ordered JSON object. Lookups are linear: FHIR objects are small and order matters more than speed here.
public struct JSONObject: Sendable, Equatable, Sequence {
    public struct Member: Sendable {
        public var key: String
        public var value: JSON
        public init(key: String, value: JSON) { self.key = key; self.value = value }
    }

    public private(set) var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }
    public var isEmpty: Bool { members.isEmpty }

    public subscript(key: String) -> JSON? {
        get { members.first { $0.key == key }?.value }
        set {
            if let i = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Sets `key` and moves it to `position` (used to keep `resourceType`, `id`, `meta` first).
    public mutating func set(_ key: String, _ value: JSON, at position: Int) {
        members.removeAll { $0.key == key }
        members.insert(Member(key: key, value: value), at: Swift.min(position, members.count))
    }

    public func makeIterator() -> IndexingIterator<[Member]> { members.makeIterator() }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for m in lhs.members {
            guard let other = rhs[m.key], other == m.value else { return false }
        }
        return true
    }
}
