import FHIRJSON
import FHIRStore

/// The input of an operation: a `Parameters` resource in a POST body, or query parameters of a GET (and of a
/// POST without a body). Accessors throw a 400 `FHIRError` that names the parameter and where it is.
public struct OperationParameters: Sendable {
    /// Each parameter: its name, its value (a `Parameters.parameter` element, or a `valueString` made from a query
    /// parameter), and where it came from for error messages.
    struct Entry: Sendable {
        var name: String
        var element: JSON
        var location: String
    }

    let entries: [Entry]

    /// From a `Parameters` resource; any other resource is the operation's one resource parameter `resource`, as
    /// the specification allows an operation with a single resource input to be posted the resource itself.
    public init(resource: JSON) throws(FHIRError) {
        guard let type = resource["resourceType"]?.stringValue else {
            throw FHIRError(400, "invalid", "An operation takes a Parameters resource or a resource, not this body", expression: "resourceType")
        }
        guard type == "Parameters" else {
            entries = [Entry(name: "resource", element: ["resource": resource], location: type)]
            return
        }
        var entries: [Entry] = []
        var issues: [OutcomeIssue] = []
        for (i, p) in (resource["parameter"]?.arrayValue ?? []).enumerated() {
            guard let name = p["name"]?.stringValue else {
                issues.append(OutcomeIssue(code: "required", diagnostics: "A parameter has no name", expression: "Parameters.parameter[\(i)].name"))
                continue
            }
            entries.append(Entry(name: name, element: p, location: "Parameters.parameter[\(i)]"))
        }
        if !issues.isEmpty { throw FHIRError(status: 400, issues: issues) }
        self.entries = entries
    }

    /// From query parameters (`name=value` pairs).
    public init(query: [(String, String)]) {
        entries = query.filter { !$0.0.hasPrefix("_") }.map { Entry(name: $0.0, element: ["valueString": .string($0.1)], location: $0.0) }
    }

    private init(entries: [Entry]) { self.entries = entries }

    /// Every value of a repeating parameter with parts (`Parameters.parameter.part`), each as its own parameters.
    public func groups(_ name: String) -> [OperationParameters] {
        entries.filter { $0.name == name }.map { e in
            OperationParameters(entries: (e.element["part"]?.arrayValue ?? []).enumerated().compactMap { i, part in
                part["name"]?.stringValue.map { Entry(name: $0, element: part, location: "\(e.location).part[\(i)]") }
            })
        }
    }

    /// Every string value of a repeating parameter.
    public func strings(_ name: String) throws(FHIRError) -> [String] {
        var out: [String] = []
        for e in entries where e.name == name {
            guard let s = ["valueString", "valueCode", "valueMarkdown"].lazy.compactMap({ e.element[$0]?.stringValue }).first else {
                throw FHIRError(400, "invalid", "Parameter '\(name)' must have a string value", expression: e.location)
            }
            out.append(s)
        }
        return out
    }

    /// Every `valueCoding` of a repeating parameter, as (system, code, display); a query's `system|code` works too.
    public func codings(_ name: String) throws(FHIRError) -> [(system: String?, code: String, display: String?, location: String)] {
        var out: [(String?, String, String?, String)] = []
        for e in entries where e.name == name {
            if let c = e.element["valueCoding"], let code = c["code"]?.stringValue {
                out.append((c["system"]?.stringValue, code, c["display"]?.stringValue, e.location))
            } else if let text = e.element["valueString"]?.stringValue ?? e.element["valueCode"]?.stringValue {
                let pieces = text.split(separator: "|", maxSplits: 1).map(String.init)
                out.append(pieces.count == 2 ? (pieces[0], pieces[1], nil, e.location) : (nil, text, nil, e.location))
            } else {
                throw FHIRError(400, "invalid", "Parameter '\(name)' must be a Coding (valueCoding with a code)", expression: e.location)
            }
        }
        return out
    }

    /// Whether `name` is given.
    public func has(_ name: String) -> Bool { entries.contains { $0.name == name } }

    /// A string-like value (`valueString`, `valueCode`, `valueId`, `valueUri`, `valueDate`, `valueDateTime`).
    public func string(_ name: String) throws(FHIRError) -> String? {
        guard let e = entries.first(where: { $0.name == name }) else { return nil }
        for key in ["valueString", "valueCode", "valueId", "valueUri", "valueDate", "valueDateTime", "valueInstant", "valueUrl"] {
            if let s = e.element[key]?.stringValue { return s }
        }
        throw FHIRError(400, "invalid", "Parameter '\(name)' must have a string value", expression: e.location)
    }

    /// A required string-like value.
    public func requiredString(_ name: String) throws(FHIRError) -> String {
        guard let s = try string(name) else { throw FHIRError(400, "required", "Parameter '\(name)' is required", expression: name) }
        return s
    }

    /// An integer value (`valueInteger`, `valuePositiveInt`, `valueUnsignedInt`, or a query string of digits).
    public func integer(_ name: String) throws(FHIRError) -> Int? {
        guard let e = entries.first(where: { $0.name == name }) else { return nil }
        for key in ["valueInteger", "valuePositiveInt", "valueUnsignedInt"] { if let n = e.element[key]?.intValue { return n } }
        if let s = e.element["valueString"]?.stringValue, let n = Int(s) { return n }
        throw FHIRError(400, "invalid", "Parameter '\(name)' must be an integer", expression: e.location)
    }

    /// A decimal value (`valueDecimal`, `valueInteger`, or a number in a query).
    public func decimal(_ name: String) throws(FHIRError) -> Double? {
        guard let e = entries.first(where: { $0.name == name }) else { return nil }
        if let d = e.element["valueDecimal"]?.doubleValue ?? e.element["valueInteger"]?.doubleValue { return d }
        if let s = e.element["valueString"]?.stringValue, let d = Double(s), d.isFinite { return d }
        throw FHIRError(400, "invalid", "Parameter '\(name)' must be a decimal number", expression: e.location)
    }

    /// A boolean value (`valueBoolean`, or `true`/`false` in a query).
    public func boolean(_ name: String) throws(FHIRError) -> Bool? {
        guard let e = entries.first(where: { $0.name == name }) else { return nil }
        if let b = e.element["valueBoolean"]?.boolValue { return b }
        switch e.element["valueString"]?.stringValue {
        case "true": return true
        case "false": return false
        default: throw FHIRError(400, "invalid", "Parameter '\(name)' must be true or false", expression: e.location)
        }
    }

    /// The id a reference parameter points to, checked to be of `type`: `valueReference.reference` `Type/id`, or
    /// in a query `Type/id` or a bare id.
    public func reference(_ name: String, type: String) throws(FHIRError) -> String? {
        guard let e = entries.first(where: { $0.name == name }) else { return nil }
        let text = e.element["valueReference"]?["reference"]?.stringValue ?? e.element["valueString"]?.stringValue
        guard let text else {
            throw FHIRError(400, "invalid", "Parameter '\(name)' must be a reference to a \(type)", expression: e.location)
        }
        let id = text.hasPrefix(type + "/") ? String(text.dropFirst(type.count + 1)) : text
        guard ReferenceParser.isId(id) else {
            throw FHIRError(400, "invalid", "Parameter '\(name)' must reference a \(type) as '\(type)/[id]', not '\(text)'", expression: e.location)
        }
        return id
    }

    /// A resource value (`Parameters.parameter.resource`) with where it is, for error locations.
    public func resource(_ name: String) throws(FHIRError) -> (json: JSON, location: String)? {
        guard let e = entries.first(where: { $0.name == name }) else { return nil }
        guard let r = e.element["resource"], r["resourceType"]?.stringValue != nil else {
            throw FHIRError(400, "invalid", "Parameter '\(name)' must hold a resource", expression: e.location)
        }
        return (r, e.element["name"] == nil ? e.location : e.location + ".resource")
    }

    /// Every reference of a repeating parameter (`valueReference.reference`, or the text of a query value), with
    /// where it is.
    public func references(_ name: String) throws(FHIRError) -> [(reference: String, location: String)] {
        var out: [(String, String)] = []
        for e in entries where e.name == name {
            guard let text = e.element["valueReference"]?["reference"]?.stringValue ?? e.element["valueString"]?.stringValue else {
                throw FHIRError(400, "invalid", "Parameter '\(name)' must be a reference", expression: e.location)
            }
            out.append((text, e.location))
        }
        return out
    }

    /// A required reference parameter.
    public func requiredReference(_ name: String, type: String) throws(FHIRError) -> String {
        guard let id = try reference(name, type: type) else {
            throw FHIRError(400, "required", "Parameter '\(name)' (a reference to a \(type)) is required", expression: name)
        }
        return id
    }
}
