import FHIRDefinitions
import FHIRJSON

/// Extracts the search index entries of a resource, driven by the generated R4 search parameter table.
public enum SearchIndexer {
    /// Every index entry for `resource` of type `type`.
    public static func entries(for resource: JSON, type: String) -> [IndexEntry] {
        entries(for: resource, type: type, touching: nil)
    }

    /// The entries of the parameters that read any of the top-level `elements` (or the whole resource); all
    /// parameters when `elements` is nil. An update indexes only what its changed elements can change.
    public static func entries(for resource: JSON, type: String, touching elements: Set<String>?) -> [IndexEntry] {
        var out: [IndexEntry] = []
        for (code, param) in SearchParameters.forType(type) {
            if code == "_id" || code == "_lastUpdated" { continue }   // columns of `resources`
            if param.type == .composite {
                // Composites over a repeating element have rows of their own; the others are searched through
                // their components' rows.
                if let composite = CorrelatedComposite.lookup(type, code),
                   elements.map({ e in composite.bases.contains { $0.steps.first.map(e.contains) ?? true } }) ?? true {
                    composite.entries(of: resource, into: &out)
                }
                continue
            }
            for path in param.paths {
                if let elements, let first = path.steps.first, !elements.contains(first) { continue }
                var nodes: [JSON] = []
                collect(resource, path.steps[...], into: &nodes)
                for node in nodes {
                    add(node, param: code, type: param.type, referenceType: path.referenceType, into: &out)
                }
            }
        }
        return out
    }

    /// Whether any of the parameters `codes` of `type` reads one of the top-level `elements` (or the whole resource).
    public static func reads(_ type: String, params codes: [String], anyOf elements: Set<String>) -> Bool {
        let all = SearchParameters.forType(type)
        return codes.contains { code in
            all[code]?.paths.contains { path in path.steps.first.map(elements.contains) ?? true } ?? false
        }
    }

    /// The top-level elements whose values differ between two versions of a resource (all of them when either
    /// is not an object).
    public static func changedElements(_ a: JSON, _ b: JSON) -> Set<String>? {
        guard case .object(let x) = a, case .object(let y) = b else { return nil }
        var out = Set<String>()
        for m in x where y[m.key] != m.value { out.insert(m.key) }
        for m in y where x[m.key] == nil { out.insert(m.key) }
        return out
    }

    /// The patient whose compartment holds this resource (Patient: itself), from the compartment definition.
    public static func compartment(of resource: JSON, type: String, id: String, entries: [IndexEntry]) -> String? {
        if type == "Patient" { return id }
        let params = PatientCompartment.parameters(for: type)
        guard !params.isEmpty else { return nil }
        for param in params {
            for case let .reference(p, targetType, targetId, _) in entries where p == param && targetType == "Patient" {
                if let targetId { return targetId }
            }
        }
        return nil
    }

    static func collect(_ node: JSON, _ steps: ArraySlice<String>, into out: inout [JSON]) {
        guard let step = steps.first else {
            if case .array(let items) = node { out.append(contentsOf: items) } else { out.append(node) }
            return
        }
        switch node {
        case .array(let items): for item in items { collect(item, steps, into: &out) }
        case .object(let o): if let child = o[step] { collect(child, steps.dropFirst(), into: &out) }
        default: return
        }
    }

    static func add(_ node: JSON, param: String, type: SearchParamType, referenceType: String?, into out: inout [IndexEntry]) {
        switch type {
        case .string: addString(node, param, &out)
        case .token: addToken(node, param, &out)
        case .date: addDate(node, param, &out)
        case .number:
            if let v = node.doubleValue { out.append(.number(param: param, value: v)) }
            else if let v = node["value"]?.doubleValue { out.append(.number(param: param, value: v)) }
        case .quantity: addQuantity(node, param, &out)
        case .reference: addReference(node, param, referenceType, &out)
        case .uri:
            if let s = node.stringValue { out.append(.uri(param: param, value: s)) }
        case .composite, .special: return
        }
    }

    static func addString(_ node: JSON, _ param: String, _ out: inout [IndexEntry]) {
        switch node {
        case .string(let s):
            out.append(.string(param: param, normalized: StringNormalization.normalize(s), exact: s))
        case .object(let o):
            // HumanName, Address and similar: every string part is searchable on its own.
            for key in ["text", "family", "given", "prefix", "suffix", "line", "city", "district", "state", "postalCode", "country", "display", "value", "name"] {
                guard let v = o[key] else { continue }
                for item in v.listValue { if let s = item.stringValue { addString(.string(s), param, &out) } }
            }
        default: return
        }
    }

    static func addToken(_ node: JSON, _ param: String, _ out: inout [IndexEntry]) {
        switch node {
        case .string(let s): out.append(.token(param: param, system: nil, code: s, text: nil))
        case .bool(let b): out.append(.token(param: param, system: nil, code: b ? "true" : "false", text: nil))
        case .object(let o):
            if let codings = o["coding"]?.arrayValue {
                // CodeableConcept: each coding, with the concept's text for :text.
                let text = o["text"]?.stringValue
                for coding in codings {
                    addCoding(coding, param, text: text, &out)
                }
                if codings.isEmpty || codings.allSatisfy({ $0["code"] == nil }), let text {
                    out.append(.token(param: param, system: nil, code: nil, text: text))
                }
            } else if let text = o["text"]?.stringValue, o["code"] == nil, o["value"] == nil {
                out.append(.token(param: param, system: nil, code: nil, text: text))
            } else if o["code"] != nil {
                addCoding(node, param, text: nil, &out)
            } else if let value = o["value"]?.stringValue {
                // Identifier or ContactPoint.
                let typeText = o["type"]?["text"]?.stringValue
                out.append(.token(param: param, system: o["system"]?.stringValue, code: value, text: typeText))
            }
        default: return
        }
    }

    static func addCoding(_ coding: JSON, _ param: String, text: String?, _ out: inout [IndexEntry]) {
        guard let code = coding["code"]?.stringValue else { return }
        out.append(.token(param: param, system: coding["system"]?.stringValue, code: code,
                          text: text ?? coding["display"]?.stringValue))
    }

    static func addDate(_ node: JSON, _ param: String, _ out: inout [IndexEntry]) {
        switch node {
        case .string(let s):
            if let r = DateRange.parse(s) { out.append(.date(param: param, lo: r.lo, hi: r.hi)) }
        case .object(let o):
            if o["start"] != nil || o["end"] != nil {
                // Period: an open end reaches to the end of time.
                let lo = o["start"]?.stringValue.flatMap(DateRange.parse)?.lo ?? DateRange.minimum
                let hi = o["end"]?.stringValue.flatMap(DateRange.parse)?.hi ?? DateRange.maximum
                out.append(.date(param: param, lo: lo, hi: hi))
            } else if let events = o["event"]?.arrayValue {
                for e in events { addDate(e, param, &out) }
            } else if let bounds = o["repeat"]?["boundsPeriod"] {
                addDate(bounds, param, &out)
            }
        default: return
        }
    }

    static func addQuantity(_ node: JSON, _ param: String, _ out: inout [IndexEntry]) {
        guard case .object(let o) = node, let value = o["value"]?.doubleValue else { return }
        let system = o["system"]?.stringValue
        let code = o["code"]?.stringValue
        out.append(.quantity(param: param, value: value, system: system, code: code ?? o["unit"]?.stringValue))
        if let unit = o["unit"]?.stringValue, code != nil, unit != code {
            // Also findable by the human unit without a system.
            out.append(.quantity(param: param, value: value, system: nil, code: unit))
        }
    }

    static func addReference(_ node: JSON, _ param: String, _ referenceType: String?, _ out: inout [IndexEntry]) {
        switch node {
        case .string(let s):
            // canonical or uri used as a reference
            out.append(.reference(param: param, targetType: nil, targetId: nil, url: s))
        case .object(let o):
            if let ref = o["reference"]?.stringValue {
                if let parsed = ReferenceParser.parse(ref) {
                    if let referenceType, parsed.type != referenceType { return }
                    out.append(.reference(param: param, targetType: parsed.type, targetId: parsed.id, url: parsed.isAbsolute ? ref : nil))
                } else if !ref.hasPrefix("#") {
                    out.append(.reference(param: param, targetType: nil, targetId: nil, url: ref))
                }
            }
            if let identifier = o["identifier"], let value = identifier["value"]?.stringValue {
                out.append(.token(param: param + ":identifier", system: identifier["system"]?.stringValue, code: value, text: nil))
            }
        default: return
        }
    }
}

/// Splits `Type/id`, `Type/id/_history/v` and absolute `http://…/Type/id` references.
public enum ReferenceParser {
    public struct Parsed: Sendable, Equatable {
        public var type: String
        public var id: String
        public var version: String?
        public var isAbsolute: Bool
    }

    /// Reads the last segments only, scanning bytes from the end: every reference of every written resource is
    /// parsed, and splitting the whole string into an array of Strings was 4 % of an import's time.
    public static func parse(_ reference: String) -> Parsed? {
        let utf8 = reference.utf8
        // Positions of the last four '/', from the end: enough for `…/Type/id/_history/version`.
        var slashes: [String.Index] = []
        slashes.reserveCapacity(4)
        var end = utf8.endIndex
        while slashes.count < 4, let slash = utf8[..<end].lastIndex(of: 47) {
            slashes.append(slash)
            end = slash
        }
        func segment(after k: Int, before j: Int) -> Substring {
            let start = k < slashes.count ? utf8.index(after: slashes[k]) : reference.startIndex
            return reference[start..<slashes[j]]
        }
        guard let last = slashes.first else { return nil }
        let absolute = isAbsolute(reference)
        let tail = String(reference[utf8.index(after: last)...])
        if slashes.count >= 3, segment(after: 1, before: 0) == "_history" {
            let type = String(segment(after: 3, before: 2)), id = String(segment(after: 2, before: 1))
            guard isType(type), isId(id) else { return nil }
            return Parsed(type: type, id: id, version: tail, isAbsolute: absolute)
        }
        let type = String(segment(after: 1, before: 0))
        guard isType(type), isId(tail) else { return nil }
        return Parsed(type: type, id: tail, version: nil, isAbsolute: absolute)
    }

    static func isType(_ s: String) -> Bool { ResourceTypes.all.contains(s) }

    /// Whether the reference is an absolute URL (`scheme://…`). Byte scan: Foundation's `contains` is slow on hot paths.
    public static func isAbsolute(_ reference: String) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for b in reference.utf8 {
            if previous == (58, 47) && b == 47 { return true }   // "://"
            previous = (previous.1, b)
        }
        return false
    }

    /// FHIR id: 1–64 of `[A-Za-z0-9.-]`.
    public static func isId(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 64 else { return false }
        return s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 45 || $0 == 46 }
    }
}
