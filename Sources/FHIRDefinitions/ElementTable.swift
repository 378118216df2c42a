/// What a schema definition describes.
public enum ElementKind: Sendable, Hashable {
    /// A primitive (`string`, `date`, `decimal`, ...): a JSON string, number or boolean with a pattern.
    case primitive
    /// A data type or backbone element (`HumanName`, `Patient_Contact`, `Element`, ...): a JSON object.
    case complex
    /// A resource type (`Patient`, ...): a JSON object with `resourceType`.
    case resource
}

/// One property (JSON key) of a complex type or resource, as `fhir.schema.json` defines it.
public struct ElementDefinition: Sendable, Hashable {
    /// The JSON key. Choice elements are concrete (`valueQuantity`, `deceasedBoolean`), and the
    /// `_name` companions of primitive elements (type `Element`) are elements too.
    public let name: String
    /// The type of the value (of each item for arrays): a primitive type name (`string`, `dateTime`,
    /// `code`, `decimal`, `boolean`, `positiveInt`, ...), a complex type as the schema names it
    /// (`HumanName`, `Reference`, backbone elements like `Patient_Contact`), `Element` for `_name`
    /// companions, or `ResourceList` (see ``ElementTable/resourceListTypeName``) for any resource
    /// (`contained`, `Bundle.entry.resource`). Elements with an `enum` (and `resourceType`) are `code`.
    public let type: String
    /// Whether the JSON value is an array.
    public let isArray: Bool
    /// The allowed values from the schema's `enum` (for `resourceType`, its `const`); nil when unrestricted.
    public let enumValues: [String]?

    public init(name: String, type: String, isArray: Bool, enumValues: [String]?) {
        self.name = name
        self.type = type
        self.isArray = isArray
        self.enumValues = enumValues
    }
}

/// A definition of `fhir.schema.json`: a primitive, complex type, backbone element or resource.
public struct TypeDefinition: Sendable {
    /// The schema name (`Patient`, `HumanName`, `Patient_Contact`, `date`).
    public let name: String
    /// Primitive, complex or resource.
    public let kind: ElementKind
    /// The properties by JSON key; empty for primitives.
    public let elements: [String: ElementDefinition]
    /// The schema's `required` keys (for resources this includes `resourceType`).
    public let required: [String]
    /// For primitives: the schema's regular expression for the value's text, if any
    /// (`base64Binary` and `xhtml` have none).
    public let pattern: String?
    /// For primitives: the JSON type of the value, `"string"`, `"number"` or `"boolean"`
    /// (`xhtml`, untyped in the schema, is `"string"`). Nil for complex types and resources.
    public let jsonType: String?

    /// The JSON keys of `elements` in the schema's order.
    public let elementOrder: [String]

    public init(name: String, kind: ElementKind, elements: [String: ElementDefinition], required: [String],
                pattern: String?, jsonType: String?, elementOrder: [String]? = nil) {
        self.name = name
        self.kind = kind
        self.elements = elements
        self.required = required
        self.pattern = pattern
        self.jsonType = jsonType
        self.elementOrder = elementOrder ?? elements.keys.sorted()
    }
}

/// The types of the official R4 JSON schema, generated into `Generated/ElementTableData.swift`
/// and parsed once on first use.
public enum ElementTable {
    /// The type name the schema uses for "any resource" (a `oneOf` over all resource types).
    /// It has no ``TypeDefinition``: a value of this type is checked as the type its `resourceType` names.
    public static let resourceListTypeName = "ResourceList"

    /// The definition named `name` (case-sensitive, as in the schema), or nil.
    public static func type(_ name: String) -> TypeDefinition? { table[name] }

    /// The element `element` of type `typeName`, or nil.
    public static func element(_ element: String, of typeName: String) -> ElementDefinition? {
        table[typeName]?.elements[element]
    }

    /// Every definition name in the table (primitives, complex types, backbone elements, resources).
    public static var typeNames: Set<String> { Set(table.keys) }

    private static let table: [String: TypeDefinition] = parse()

    private static func parse() -> [String: TypeDefinition] {
        let name = "ElementTableData"
        var result: [String: TypeDefinition] = [:]
        var current: (line: Int, fields: [Substring])?
        var elements: [String: ElementDefinition] = [:]
        var order: [String] = []

        func finish() {
            guard let (line, f) = current else { return }
            let kind: ElementKind
            switch f[2] {
            case "p": kind = .primitive
            case "c": kind = .complex
            case "r": kind = .resource
            default: GeneratedTable.malformed(name, line, "unknown kind \(f[2])")
            }
            let typeName = String(f[1])
            result[typeName] = TypeDefinition(
                name: typeName, kind: kind, elements: elements,
                required: GeneratedTable.list(f[5]),
                pattern: f[4].isEmpty ? nil : String(f[4]),
                jsonType: f[3].isEmpty ? nil : String(f[3]),
                elementOrder: order)
            elements = [:]
            order = []
        }

        for record in GeneratedTable.records(ElementTableData.text) {
            let f = record.fields
            switch f.first {
            case "T":
                GeneratedTable.expect(f, count: 6, name, record.line)
                finish()
                current = record
            case "E":
                GeneratedTable.expect(f, count: 5, name, record.line)
                if current == nil { GeneratedTable.malformed(name, record.line, "element before any type") }
                let key = String(f[1])
                elements[key] = ElementDefinition(
                    name: key, type: String(f[2]), isArray: f[3] == "1",
                    enumValues: f[4].isEmpty ? nil : GeneratedTable.list(f[4], separator: "|"))
                order.append(key)
            default:
                GeneratedTable.malformed(name, record.line, "unknown record kind")
            }
        }
        finish()
        return result
    }
}
