import FHIRDefinitions
import Foundation

/// A parsed search: the criteria (ANDed; each with ORed values) and the result controls.
public struct SearchRequest: Sendable {
    public struct Criterion: Sendable {
        /// The parameter code as written (`subject`, `_id`).
        public var code: String
        public var modifier: String?
        /// One level of chaining: `subject:Patient.name` → code `subject`, chain (`Patient`?, `name`, its modifier).
        public var chain: (targetType: String?, code: String, modifier: String?)?
        public var values: [String]
        /// Reverse chaining (`_has:Observation:patient:code=…`): the resources of `sourceType` whose `param`
        /// references the resource, and the one criterion (`inner`, itself possibly a `_has`) they must meet.
        public var reverse: (sourceType: String, param: String)? = nil
        public var inner: [Criterion] = []

        /// The types a `_has` criterion searches, at every level, for the caller's access check.
        var reverseSources: [String] {
            guard let reverse else { return [] }
            return [reverse.sourceType] + inner.flatMap(\.reverseSources)
        }
    }

    public enum Total: String, Sendable { case none, estimate, accurate }

    public var type: String
    public var criteria: [Criterion] = []
    public var count = 20
    public var offset = 0
    /// Keyset cursor: only resources with `seq` above it (default order).
    public var cursor: Int64?
    public var sort: [(code: String, descending: Bool)] = []
    public var includes: [(sourceType: String, param: String, targetType: String?)] = []
    public var revincludes: [(sourceType: String, param: String, targetType: String?)] = []
    /// `_include:iterate` and `_revinclude:iterate`: applied to the matches and then, again, to what they brought in.
    public var iterateIncludes: [(sourceType: String, param: String, targetType: String?)] = []
    public var iterateRevincludes: [(sourceType: String, param: String, targetType: String?)] = []
    public var summaryCount = false
    public var summary: String?
    public var elements: [String]?
    public var total: Total = .accurate
    /// Compartment search (`GET Patient/[id]/[type]`): only resources in this patient's compartment.
    public var compartment: String?

    /// Where the search was asked, for its links: `Observation`, or `Patient/123/Observation` in a compartment.
    public var path: String { compartment.map { "Patient/\($0)/\(type)" } ?? type }

    public static let maxCount = 1000

    /// A lookup by key: only `identifier` or `_id` criteria with one plain value each, default order, nothing
    /// included. Its best plan does not depend on the values, so PostgreSQL may plan it once
    /// (`Database.read(keyLookup:)`); any other search is planned for its values.
    public var isKeyLookup: Bool {
        !criteria.isEmpty && sort.isEmpty && includes.isEmpty && revincludes.isEmpty && iterateIncludes.isEmpty && iterateRevincludes.isEmpty
            && criteria.allSatisfy { ($0.code == "identifier" || $0.code == "_id") && $0.modifier == nil && $0.chain == nil && $0.values.count == 1 }
    }

    /// Problems found while parsing; reported together with those found while building the query.
    public var problems: [OutcomeIssue] = []
    /// Parameters with unknown names that a lenient search skipped (as written, e.g. `_totalMethod`).
    public var ignored: [String] = []

    /// Parses `name=value` pairs (already URL-decoded). Bad values are 400s listing every problem.
    /// Unknown parameter names are problems too when `strict` (`Prefer: handling=strict`, and always for
    /// conditional interactions, where skipping a criterion would widen the match); otherwise they are
    /// skipped and listed in `ignored`, as the spec's default `handling=lenient` asks.
    public init(type: String, parameters: [(String, String)], strict: Bool = true) throws(FHIRError) {
        self.type = type
        var issues: [OutcomeIssue] = []
        let known = SearchParameters.forType(type)
        for (rawName, value) in parameters {
            switch rawName {
            case "_count":
                if let n = Int(value), n >= 0 { count = min(n, Self.maxCount) } else { issues.append(Self.bad(rawName, value, "a non-negative integer")) }
            case "_offset":
                if let n = Int(value), n >= 0 { offset = n } else { issues.append(Self.bad(rawName, value, "a non-negative integer")) }
            case "_cursor":
                if let n = Int64(value) { cursor = n } else { issues.append(Self.bad(rawName, value, "a cursor from a next link")) }
            case "_sort":
                for part in value.split(separator: ",") {
                    let desc = part.hasPrefix("-")
                    let code = String(desc ? part.dropFirst() : part)
                    if code == "_id" || code == "_lastUpdated" || known[code] != nil { sort.append((code, desc)) }
                    else { issues.append(OutcomeIssue(code: "not-supported", diagnostics: "Cannot sort \(type) by unknown parameter '\(code)'", expression: "_sort")) }
                }
            case "_include", "_revinclude", "_include:iterate", "_revinclude:iterate", "_include:recurse", "_revinclude:recurse":
                let parts = value.split(separator: ":").map(String.init)
                guard parts.count >= 2, SearchParameters.forType(parts[0])[parts[1]]?.type == .reference else {
                    issues.append(Self.bad(rawName, value, "SourceType:referenceParameter[:TargetType]"))
                    continue
                }
                let spec = (parts[0], parts[1], parts.count > 2 ? parts[2] : nil)
                switch rawName {
                case "_include": includes.append(spec)
                case "_revinclude": revincludes.append(spec)
                case "_include:iterate", "_include:recurse": iterateIncludes.append(spec)
                default: iterateRevincludes.append(spec)
                }
            case "_summary":
                switch value {
                case "count": summaryCount = true
                case "false", "data", "text": summary = value
                default: issues.append(OutcomeIssue(code: "not-supported", diagnostics: "_summary=\(value) is not supported; use count, data, text or false", expression: "_summary"))
                }
            case "_elements":
                elements = value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            case "_total":
                if let t = Total(rawValue: value) { total = t } else { issues.append(Self.bad(rawName, value, "none, estimate or accurate")) }
            case "_format", "_pretty":
                continue
            default:
                if !strict && !Self.isKnown(rawName, known: known) {
                    ignored.append(rawName)
                    continue
                }
                do throws(FHIRError) {
                    criteria.append(try Self.criterion(rawName, value, type: type, known: known))
                } catch {
                    issues.append(contentsOf: error.issues)
                }
            }
        }
        problems = issues
    }

    /// Whether the parameter name (before any modifier or chain) is one this type can be searched by.
    static func isKnown(_ rawName: String, known: [String: SearchParameterDefinition]) -> Bool {
        let code = rawName.prefix { $0 != ":" && $0 != "." }
        return code == "_id" || code == "_lastUpdated" || code == "_has" || known[String(code)] != nil
    }

    static func bad(_ name: String, _ value: String, _ expected: String) -> OutcomeIssue {
        OutcomeIssue(code: "invalid", diagnostics: "Invalid value '\(value)' for \(name): expected \(expected)", expression: name)
    }

    static func criterion(_ rawName: String, _ value: String, type: String, known: [String: SearchParameterDefinition]) throws(FHIRError) -> Criterion {
        if rawName.hasPrefix("_has:") { return try reverseCriterion(rawName, value, type: type) }
        var head = rawName
        var chainPart: Substring?
        if let dot = rawName.firstIndex(of: ".") {
            head = String(rawName[..<dot])
            chainPart = rawName[rawName.index(after: dot)...]
        }
        let nameParts = head.split(separator: ":", maxSplits: 1).map(String.init)
        let code = nameParts.first ?? head
        let modifier = nameParts.count > 1 ? nameParts[1] : nil
        guard code == "_id" || code == "_lastUpdated" || known[code] != nil else {
            throw FHIRError(400, "not-supported", "Unknown search parameter '\(code)' for \(type)", expression: rawName)
        }
        let values = Self.splitValues(value)
        if let chainPart {
            guard known[code]?.type == .reference else {
                throw FHIRError(400, "invalid", "Only reference parameters can be chained; '\(code)' is not one", expression: rawName)
            }
            if chainPart.contains(".") {
                throw FHIRError(400, "not-supported", "Only one level of chaining is supported", expression: rawName)
            }
            let chainParts = chainPart.split(separator: ":", maxSplits: 1).map(String.init)
            return Criterion(code: code, modifier: nil, chain: (modifier, chainParts[0], chainParts.count > 1 ? chainParts[1] : nil), values: values)
        }
        return Criterion(code: code, modifier: modifier, chain: nil, values: values)
    }

    /// `_has:[source type]:[reference parameter]:[parameter of the source type]` (the last may carry a modifier, a
    /// chain or another `_has`): the resources that a resource of the source type meeting the parameter references.
    static func reverseCriterion(_ rawName: String, _ value: String, type: String) throws(FHIRError) -> Criterion {
        let parts = rawName.dropFirst("_has:".count).split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, !parts[2].isEmpty else {
            throw FHIRError(400, "invalid", "Expected _has:[type]:[reference parameter]:[search parameter]", expression: rawName)
        }
        let (source, param, innerName) = (parts[0], parts[1], parts[2])
        guard ResourceTypes.supportedSet.contains(source) else {
            throw FHIRError(400, "not-supported", "_has names \(source), which is not a supported resource type", expression: rawName)
        }
        let known = SearchParameters.forType(source)
        guard let def = known[param], def.type == .reference, def.targets.contains(type) else {
            throw FHIRError(400, "invalid", "\(source) has no reference parameter '\(param)' that can point at \(type)", expression: rawName)
        }
        do throws(FHIRError) {
            let inner = try criterion(innerName, value, type: source, known: known)
            return Criterion(code: "_has", modifier: nil, chain: nil, values: [], reverse: (source, param), inner: [inner])
        } catch {
            throw FHIRError(status: error.status, issues: error.issues.map { var i = $0; i.expression = rawName; return i })
        }
    }

    /// Splits a value on unescaped commas (`\,` stays a comma).
    static func splitValues(_ value: String) -> [String] {
        var out: [String] = []
        var current = ""
        var escaped = false
        for c in value {
            if escaped { current.append(c); escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if c == "," { out.append(current); current = ""; continue }
            current.append(c)
        }
        out.append(current)
        return out
    }

    /// Parses a URL query string (`a=1&b=2`), percent-decoding names and values.
    /// `+` means a space only in form bodies (POST `_search`); in a URL it is kept, so that
    /// unencoded time zones like `2024-01-01T00:00:00+05:00` still work.
    public static func parseQuery(_ query: String, formEncoded: Bool = false) -> [(String, String)] {
        query.split(separator: "&").compactMap { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawKey = kv.first else { return nil }
            let k = QueryEncoding.decode(rawKey, plusIsSpace: formEncoded)
            guard !k.isEmpty else { return nil }
            return (k, kv.count > 1 ? QueryEncoding.decode(kv[1], plusIsSpace: formEncoded) : "")
        }
    }
}
