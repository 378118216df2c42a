/// The type of a search parameter (`SearchParameter.type`).
public enum SearchParamType: String, Sendable, Hashable, CaseIterable {
    case number, date, string, token, reference, composite, quantity, uri, special
}

/// One concrete place in a resource's JSON that a search parameter reads.
public struct SearchPath: Sendable, Hashable, CustomStringConvertible {
    /// JSON property names from the resource root (or, for a composite component, from the node its
    /// composite parameter reaches), choice types resolved to concrete keys:
    /// `Observation.value as Quantity` -> `["valueQuantity"]`; `Patient.name.family` -> `["name", "family"]`;
    /// an unqualified choice like `Observation.effective` expands to one path per concrete key
    /// (`effectiveDateTime`, `effectivePeriod`, `effectiveTiming`, `effectiveInstant`).
    /// Empty for the root itself (e.g. the composite `Observation` `code-value-quantity`).
    /// Every step is an array or a single value depending on the schema; readers should accept both.
    public let steps: [String]
    /// Set when the FHIRPath filters references by target type, e.g.
    /// `Observation.subject.where(resolve() is Patient)` -> `"Patient"`: only references to that type count.
    public let referenceType: String?

    public init(steps: [String], referenceType: String? = nil) {
        self.steps = steps
        self.referenceType = referenceType
    }

    /// `name.family`, `subject@Patient`, or `$` for the root.
    public var description: String {
        (steps.isEmpty ? "$" : steps.joined(separator: ".")) + (referenceType.map { "@" + $0 } ?? "")
    }
}

/// One component of a composite search parameter.
public struct SearchParameterComponent: Sendable, Hashable {
    /// The canonical URL of the search parameter that defines the component's type.
    public let definitionURL: String
    /// The FHIRPath expression, relative to the nodes the composite's paths reach.
    public let expression: String
    /// `expression` translated into paths relative to those nodes; empty when it could not be translated.
    public let paths: [SearchPath]

    public init(definitionURL: String, expression: String, paths: [SearchPath]) {
        self.definitionURL = definitionURL
        self.expression = expression
        self.paths = paths
    }
}

/// A search parameter as it applies to one resource type.
public struct SearchParameterDefinition: Sendable {
    /// The name used in query strings, e.g. `birthdate`, `_tag`.
    public let code: String
    /// The search parameter type.
    public let type: SearchParamType
    /// Where the parameter reads in a resource of this type; empty when the expression could not be
    /// translated (see ``SearchParameters/untranslated``) or when there is no expression (`_text`, `_content`).
    public let paths: [SearchPath]
    /// For reference parameters: the resource types the references may point to.
    public let targets: [String]
    /// The FHIRPath expression, for documentation: the parts of the official (often shared,
    /// `A | B | ...`) expression that apply to this resource type. Empty when there is none.
    public let expression: String
    /// The canonical URL of the SearchParameter, e.g. `http://hl7.org/fhir/SearchParameter/Patient-birthdate`.
    public let url: String
    /// For composite parameters: the components, in order.
    public let components: [SearchParameterComponent]
    /// The type the parameter is defined on: the resource type, or `Resource` / `DomainResource`
    /// for the common parameters (`_id`, `_lastUpdated`, `_tag`, `_profile`, `_security`, `_source`, `_text`, `_content`).
    public let base: String

    public init(code: String, type: SearchParamType, paths: [SearchPath], targets: [String], expression: String,
                url: String, components: [SearchParameterComponent] = [], base: String) {
        self.code = code
        self.type = type
        self.paths = paths
        self.targets = targets
        self.expression = expression
        self.url = url
        self.components = components
        self.base = base
    }
}

/// The R4 search parameters (from the official `search-parameters.json`), with their FHIRPath
/// expressions translated at generation time into JSON key paths checked against the schema.
public enum SearchParameters {
    /// All parameters usable on a resource type, keyed by code, including the ones defined on
    /// Resource (`_id`, `_lastUpdated`, `_tag`, `_profile`, `_security`, `_source`, `_content`) and,
    /// for domain resources, DomainResource (`_text`). Empty for an unknown type.
    /// (`_query`, which names a query rather than filtering on content, is not included.)
    public static func forType(_ resourceType: String) -> [String: SearchParameterDefinition] {
        table.byType[resourceType] ?? [:]
    }

    /// The parameter `code` on `resourceType`, or nil.
    public static func definition(_ code: String, on resourceType: String) -> SearchParameterDefinition? {
        table.byType[resourceType]?[code]
    }

    /// Expressions that could not be translated into paths, for the docs and the CapabilityStatement,
    /// each as `"Type.code: expression part"` (composite components as
    /// `"Type.code (component URL): expression"`). The parameters stay defined, without those paths.
    public static var untranslated: [String] { table.untranslated }

    private struct Table: Sendable {
        var byType: [String: [String: SearchParameterDefinition]] = [:]
        var untranslated: [String] = []
    }

    private static let table: Table = parse()

    private static func paths(_ field: Substring, line: Int) -> [SearchPath] {
        if field.isEmpty { return [] }
        return field.split(separator: ";", omittingEmptySubsequences: false).map { text in
            guard text.first == "/" else {
                GeneratedTable.malformed("SearchParameterData", line, "path \(text) does not start with /")
            }
            var body = text.dropFirst()
            var referenceType: String?
            if let at = body.firstIndex(of: "@") {
                referenceType = String(body[body.index(after: at)...])
                body = body[..<at]
            }
            let steps = body.isEmpty ? [] : body.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            return SearchPath(steps: steps, referenceType: referenceType)
        }
    }

    private static func parse() -> Table {
        let name = "SearchParameterData"
        // Definitions by base type, in file order.
        var byBase: [String: [SearchParameterDefinition]] = [:]
        var untranslated: [String] = []
        var param: (url: String, code: String, type: SearchParamType, targets: [String])?
        // The base entry being read: its components are still being collected.
        var pending: (base: String, expression: String, paths: [SearchPath], components: [SearchParameterComponent])?

        func flush() {
            guard let b = pending, let p = param else { return }
            byBase[b.base, default: []].append(SearchParameterDefinition(
                code: p.code, type: p.type, paths: b.paths, targets: p.targets, expression: b.expression,
                url: p.url, components: b.components, base: b.base))
            pending = nil
        }

        for (line, f) in GeneratedTable.records(SearchParameterData.text) {
            switch f.first {
            case "P":
                GeneratedTable.expect(f, count: 5, name, line)
                flush()
                guard let type = SearchParamType(rawValue: String(f[3])) else {
                    GeneratedTable.malformed(name, line, "unknown search parameter type \(f[3])")
                }
                param = (String(f[1]), String(f[2]), type, GeneratedTable.list(f[4]))
            case "B":
                GeneratedTable.expect(f, count: 4, name, line)
                if param == nil { GeneratedTable.malformed(name, line, "base before any parameter") }
                flush()
                pending = (String(f[1]), String(f[2]), paths(f[3], line: line), [])
            case "C":
                GeneratedTable.expect(f, count: 4, name, line)
                if pending == nil { GeneratedTable.malformed(name, line, "component before any base") }
                pending?.components.append(SearchParameterComponent(
                    definitionURL: String(f[1]), expression: String(f[2]), paths: paths(f[3], line: line)))
            case "U":
                GeneratedTable.expect(f, count: 2, name, line)
                untranslated.append(String(f[1]))
            default:
                GeneratedTable.malformed(name, line, "unknown record kind")
            }
        }
        flush()

        func keyed(_ list: [SearchParameterDefinition]) -> [String: SearchParameterDefinition] {
            var result: [String: SearchParameterDefinition] = [:]
            for d in list { result[d.code] = d }
            return result
        }
        let common = keyed(byBase["Resource"] ?? [])
        let domain = keyed(byBase["DomainResource"] ?? [])
        var table = Table(untranslated: untranslated)
        for type in ResourceTypes.all {
            var params = common
            if ResourceTypes.isDomainResource(type) {
                params.merge(domain) { _, new in new }
            }
            params.merge(keyed(byBase[type] ?? [])) { _, new in new }
            table.byType[type] = params
        }
        return table
    }
}
