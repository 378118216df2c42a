import FHIRDefinitions
import SQLKit

/// Composite search parameters (`Observation?code-value-quantity=http://loinc.org|8480-6$gt140`): each value is
/// the components' values joined by `$`, and a resource matches when one node meets all of them.
///
/// Three kinds:
/// - over the resource itself (Observation `code-value-quantity`, `-concept`, `-date`, `-string`): a resource has
///   one `value[x]`, so "the same node" is "the same resource", and the composite is the components' own index
///   rows intersected — no extra index rows on ingest;
/// - over one repeating element (Observation `component-code-value-…`, `context-type-…`): rows of their own that
///   tie one element's components together, see ``CorrelatedComposite``;
/// - Observation `combo-code-value-…`: the two above ORed (``combination(_:on:)``).
public enum CompositeSearch {
    /// Whether searches by the composite `def` on `type` work (the CapabilityStatement lists only those).
    public static func isSupported(_ def: SearchParameterDefinition, on type: String) -> Bool {
        guard let code = SearchParameters.forType(type).first(where: { $0.value.url == def.url })?.key else { return false }
        return components(of: def, on: type) != nil || CorrelatedComposite.lookup(type, code) != nil || combination(code, on: type) != nil
    }

    /// Observation's `combo-code-value-…` (the pair on the resource itself or within one component) as the two
    /// parameters it combines: `code-value-…` and `component-code-value-…`; nil for any other parameter.
    static func combination(_ code: String, on type: String) -> (root: String, component: String)? {
        guard code.hasPrefix("combo-") else { return nil }
        let root = String(code.dropFirst("combo-".count)), component = "component-" + root
        guard let rootDef = SearchParameters.forType(type)[root], components(of: rootDef, on: type) != nil,
              CorrelatedComposite.lookup(type, component) != nil else { return nil }
        return (root, component)
    }

    /// The component parameters of `def` on `type`, in order, when the composite is supported; nil otherwise.
    static func components(of def: SearchParameterDefinition, on type: String) -> [(code: String, definition: SearchParameterDefinition)]? {
        guard def.type == .composite, !def.paths.isEmpty, def.paths.allSatisfy({ $0.steps.isEmpty }), !def.components.isEmpty else { return nil }
        let known = SearchParameters.forType(type)
        var out: [(String, SearchParameterDefinition)] = []
        for component in def.components {
            guard let (code, d) = known.first(where: { $0.value.url == component.definitionURL }),
                  d.type != .composite, d.type != .special, !d.paths.isEmpty else { return nil }
            out.append((code, d))
        }
        return out
    }

    /// Splits `a$b` into the components' values. (`SearchRequest.splitValues` has already taken escapes out.)
    static func parts(_ value: String) -> [String] {
        value.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
    }
}

extension SearchSQL {
    /// The condition of a composite criterion: for each value (ORed), all its components (ANDed), each through
    /// the component parameter's own search.
    func composite(_ c: SearchRequest.Criterion, _ def: SearchParameterDefinition) throws(FHIRError) -> Condition {
        if let correlated = CorrelatedComposite.lookup(type, c.code) { return try self.correlated(c, correlated) }
        if let (root, component) = CompositeSearch.combination(c.code, on: type), let rootDef = SearchParameters.forType(type)[root],
           let correlated = CorrelatedComposite.lookup(type, component) {
            var either = c
            either.code = root
            let onResource = try composite(either, rootDef)
            either.code = component
            let inComponent = try self.correlated(either, correlated)
            return .sql("(" + sql(onResource) + " OR " + sql(inComponent) + ")")
        }
        guard let components = CompositeSearch.components(of: def, on: type) else {
            throw FHIRError(400, "not-supported", "The composite parameter '\(c.code)' ties components of a repeating element together; it is not supported", expression: c.code)
        }
        guard c.modifier == nil else {
            throw FHIRError(400, "not-supported", "Composite parameters take no modifier (\(c.code):\(c.modifier ?? ""))", expression: c.code)
        }
        var alternatives: [SQLQueryString] = []
        for value in c.values {
            let parts = CompositeSearch.parts(value)
            guard parts.count == components.count, parts.allSatisfy({ !$0.isEmpty }) else {
                throw FHIRError(400, "invalid", "'\(value)' for \(c.code) needs \(components.count) values joined by $ (\(components.map(\.code).joined(separator: "$")))", expression: c.code)
            }
            var each: [Condition] = []
            for (component, part) in zip(components, parts) {
                each.append(try criterion(SearchRequest.Criterion(code: component.code, modifier: nil, chain: nil, values: [part])))
            }
            alternatives.append("(" + conditions(each).joined(separator: " AND ") + ")")
        }
        return .sql(alternatives.count == 1 ? alternatives[0] : "(" + alternatives.joined(separator: " OR ") + ")")
    }

    /// A composite over a repeating element: per value, the second component's rows filed under the first
    /// component's token (see ``CorrelatedComposite``).
    func correlated(_ c: SearchRequest.Criterion, _ composite: CorrelatedComposite) throws(FHIRError) -> Condition {
        guard c.modifier == nil else {
            throw FHIRError(400, "not-supported", "Composite parameters take no modifier (\(c.code):\(c.modifier ?? ""))", expression: c.code)
        }
        var alternatives: [Condition] = []
        for value in c.values {
            let parts = CompositeSearch.parts(value)
            guard parts.count == 2, let key = Self.compositeKey(parts[0]), !parts[1].isEmpty else {
                throw FHIRError(400, "invalid", "'\(value)' for \(c.code) needs a code ([system]|code) and a \(composite.valueCode) value joined by $", expression: c.code)
            }
            let inner: SQLQueryString
            switch composite.valueType {
            case .token: inner = try token(parts[1], nil, c.code)
            case .quantity: inner = try quantity(parts[1], c.code)
            case .date: inner = try date(parts[1], c.code)
            case .string: inner = try string(parts[1], nil, c.code)
            default: inner = try number(parts[1], c.code, column: "value")
            }
            guard let table = Self.table(for: composite.valueType) else { throw FHIRError(500, "exception", "No index table for \(c.code)") }
            alternatives.append(subselect(table, composite.parameter(key), inner))
        }
        if alternatives.count == 1, let only = alternatives.first { return only }
        return .sql("(" + alternatives.map(sql).joined(separator: " OR ") + ")")
    }

    /// The index key of a composite's first (token) part: `system|code`, `|code` or `code`; nil for a system alone.
    static func compositeKey(_ token: String) -> String? {
        guard let bar = token.firstIndex(of: "|") else { return token.isEmpty ? nil : token }
        let code = token[token.index(after: bar)...]
        return code.isEmpty ? nil : token
    }
}
