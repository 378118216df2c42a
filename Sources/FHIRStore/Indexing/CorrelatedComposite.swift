import FHIRDefinitions
import FHIRJSON

/// A composite search parameter over a repeating element, such as Observation `component-code-value-quantity`
/// (a blood pressure's systolic component over 140 — not its diastolic one): the components must come from the
/// same element, which separate index rows per component cannot tell.
///
/// The index ties them together by name: for each element, the second component's rows are stored under
/// `[composite]#[first component's token]`, once as `system|code` (or `|code` without a system) and once as
/// `code`, so a search names the first component in the parameter and compares the second as its own parameter
/// type does (`component-code-value-quantity#http://loinc.org|8480-6` with `value > 140`). Two rows per element
/// and coding — a few per blood-pressure reading — and only for resources that have such elements.
///
/// Supported: two components, the first a token, the second a token, quantity, date, string or number, every
/// path below the resource. Observation's `combo-…`, which also reads the resource itself, is searched as its
/// resource-level and component-level composites together (`CompositeSearch.combination`).
struct CorrelatedComposite: Sendable {
    let code: String
    let bases: [SearchPath]
    let keyPaths: [SearchPath]
    let valuePaths: [SearchPath]
    let valueType: SearchParamType
    /// The second component's own parameter, for messages.
    let valueCode: String

    static let valueTypes: Set<SearchParamType> = [.token, .quantity, .date, .string, .number]

    /// Per type and code, the composites indexed this way.
    static let table: [String: [String: CorrelatedComposite]] = {
        var out: [String: [String: CorrelatedComposite]] = [:]
        for type in ResourceTypes.supported {
            let known = SearchParameters.forType(type)
            for (code, def) in known {
                guard def.type == .composite, def.components.count == 2, !def.paths.isEmpty, def.paths.allSatisfy({ !$0.steps.isEmpty }) else { continue }
                let (first, second) = (def.components[0], def.components[1])
                guard let key = known.first(where: { $0.value.url == first.definitionURL })?.value, key.type == .token,
                      let value = known.first(where: { $0.value.url == second.definitionURL }), valueTypes.contains(value.value.type),
                      !first.paths.isEmpty, !second.paths.isEmpty else { continue }
                out[type, default: [:]][code] = CorrelatedComposite(code: code, bases: def.paths, keyPaths: first.paths, valuePaths: second.paths,
                                                                   valueType: value.value.type, valueCode: value.key)
            }
        }
        return out
    }()

    static func lookup(_ type: String, _ code: String) -> CorrelatedComposite? { table[type]?[code] }

    /// The index parameter of the second component under the first component's token `key`.
    func parameter(_ key: String) -> String { code + "#" + key }

    /// The keys of a token: `system|code` (`|code` without a system) and `code`.
    static func keys(system: String?, code: String) -> [String] {
        [(system.map { $0 + "|" } ?? "|") + code, code]
    }

    /// The composite's index rows in `resource`.
    func entries(of resource: JSON, into out: inout [IndexEntry]) {
        for base in bases {
            var elements: [JSON] = []
            SearchIndexer.collect(resource, base.steps[...], into: &elements)
            for element in elements {
                var tokens: [IndexEntry] = []
                for path in keyPaths {
                    var nodes: [JSON] = []
                    SearchIndexer.collect(element, path.steps[...], into: &nodes)
                    for node in nodes { SearchIndexer.add(node, param: "", type: .token, referenceType: nil, into: &tokens) }
                }
                var keys: [String] = []
                for case let .token(_, system, code?, _) in tokens {
                    for k in Self.keys(system: system, code: code) where !keys.contains(k) { keys.append(k) }
                }
                guard !keys.isEmpty else { continue }
                var values: [JSON] = []
                for path in valuePaths { SearchIndexer.collect(element, path.steps[...], into: &values) }
                for key in keys {
                    for value in values { SearchIndexer.add(value, param: parameter(key), type: valueType, referenceType: nil, into: &out) }
                }
            }
        }
    }
}
