import FHIRDefinitions
import Foundation

/// One element of a ``CompiledType``, prepared for fast checking.
///
/// A class so that reading it out of its type's array costs one reference count, not one per field.
final class CompiledElement: Sendable {
    /// What kind of value the element holds.
    enum Category: Sendable {
        /// A primitive checked by `format`, whose JSON value must be of `kind`.
        case primitive(format: PrimitiveFormat, kind: PrimitiveFormat.JSONKind)
        /// An object of the type at this index of ``CompiledSchema/types``.
        case complex(typeIndex: Int)
        /// Any resource (`ResourceList`): checked as the type its `resourceType` names.
        case resource
        /// A type the table does not define: not checked beyond the element's shape.
        case unknown
    }

    /// The JSON key.
    let name: String
    /// The type name as the table gives it (for messages).
    let typeName: String
    /// What kind of value the element holds.
    let category: Category
    /// Whether the JSON value must be an array.
    let isArray: Bool
    /// The allowed codes, when the schema restricts them.
    let enumValues: EnumValues?
    /// Whether this is the `_name` companion (type `Element`) of a primitive element.
    let isCompanion: Bool
    /// The other half of a primitive/companion pair: `_given` for `given` and `given` for `_given`;
    /// nil for complex elements.
    let partnerName: String?
    /// The choice group (index into ``CompiledType/choiceGroups``) of a `value[x]`-style element, or -1.
    let choiceGroup: Int
    /// The bit of this element in ``CompiledType/requiredMask``, or -1 when it is not required.
    /// The companion of a required primitive shares the bit: `_div` alone satisfies `div`.
    let requiredBit: Int

    /// The choice variant the element stands for: its own name, or for a companion the primitive's name.
    var variantName: String { isCompanion ? (partnerName ?? name) : name }

    /// Makes an element (all fields as described above).
    init(name: String, typeName: String, category: Category, isArray: Bool, enumValues: EnumValues?,
         isCompanion: Bool, partnerName: String?, choiceGroup: Int, requiredBit: Int) {
        self.name = name
        self.typeName = typeName
        self.category = category
        self.isArray = isArray
        self.enumValues = enumValues
        self.isCompanion = isCompanion
        self.partnerName = partnerName
        self.choiceGroup = choiceGroup
        self.requiredBit = requiredBit
    }
}

/// The allowed values of a coded element: a plain list when short (comparing a few strings is faster
/// than hashing one), a set when long.
struct EnumValues: Sendable {
    /// The values in the schema's order, for messages.
    let list: [String]
    private let set: Set<String>?

    /// Wraps the schema's values.
    init(_ values: [String]) {
        list = values
        set = values.count > 12 ? Set(values) : nil
    }

    /// Whether `value` is one of the allowed codes.
    func contains(_ value: String) -> Bool {
        if let set { return set.contains(value) }
        for v in list where v == value { return true }
        return false
    }
}

/// A complex type, backbone element or resource, prepared for fast checking.
final class CompiledType: Sendable {
    /// The schema name (`Patient`, `HumanName`, `Patient_Contact`).
    let name: String
    /// Whether this is a resource type.
    let isResource: Bool
    /// Element index by JSON key.
    let index: [String: Int]
    /// The elements.
    let elements: [CompiledElement]
    /// The required element names; name `i` has bit `1 << i` in `requiredMask` (only the first 64).
    let required: [String]
    /// The bits of all required elements.
    let requiredMask: UInt64
    /// The choice groups by their FHIR name (`value[x]`).
    let choiceGroups: [String]

    /// Makes a type and its index by key.
    init(name: String, isResource: Bool, elements: [CompiledElement], required: [String], choiceGroups: [String]) {
        self.name = name
        self.isResource = isResource
        self.elements = elements
        var index: [String: Int] = [:]
        index.reserveCapacity(elements.count)
        for (i, e) in elements.enumerated() { index[e.name] = i }
        self.index = index
        self.required = required
        self.requiredMask = required.count >= 64 ? UInt64.max : (UInt64(1) << UInt64(required.count)) &- 1
        self.choiceGroups = choiceGroups
    }
}

/// A compiled regular expression; `NSRegularExpression` is immutable and documented as safe to share.
struct SharedRegex: @unchecked Sendable {
    /// The compiled, anchored pattern.
    let regex: NSRegularExpression

    /// Whether all of `text` matches (the pattern is compiled anchored).
    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(location: 0, length: text.utf16.count)) != nil
    }
}

/// The ``FHIRDefinitions/ElementTable`` turned into arrays and dictionaries made for checking.
/// Built once, on first use, and shared by every ``ResourceValidator``.
final class CompiledSchema: Sendable {
    /// The schema every validator uses.
    static let shared = CompiledSchema()

    /// Complex types, backbone elements and resources.
    let types: [CompiledType]
    /// Index into `types` by name.
    let typeIndex: [String: Int]
    /// Index into `types` of each resource type by name.
    let resourceTypeIndex: [String: Int]
    /// Regular expressions for primitives without a hand-written checker (``PrimitiveFormat/pattern(_:)``).
    let patterns: [SharedRegex]

    /// Groups that the naming rule would take for choice types but that the R4 specification defines
    /// as separate elements (`Task.instantiatesCanonical` and `Task.instantiatesUri` are both allowed).
    /// The JSON schema has no choice marker; these three were found by comparing the element
    /// descriptions of every candidate group in `fhir.schema.json` (true choices share one description).
    static let notChoiceGroups: Set<String> = [
        "ClinicalImpression_Finding.item", "PaymentReconciliation.payment", "Task.instantiates",
    ]

    /// Compiles every complex type, backbone element and resource of the ``ElementTable``.
    private init() {
        var patterns: [SharedRegex] = []
        var primitiveCache: [String: CompiledElement.Category] = [:]

        // Every non-primitive definition gets an index first, so elements can refer to any type.
        var definitions: [TypeDefinition] = []
        for name in ElementTable.typeNames.sorted() {
            if let def = ElementTable.type(name), def.kind != .primitive { definitions.append(def) }
        }
        var typeIndex: [String: Int] = [:]
        for (i, def) in definitions.enumerated() { typeIndex[def.name] = i }

        func category(of typeName: String) -> CompiledElement.Category {
            if typeName == ElementTable.resourceListTypeName { return .resource }
            if let i = typeIndex[typeName] { return .complex(typeIndex: i) }
            if let cached = primitiveCache[typeName] { return cached }
            guard let def = ElementTable.type(typeName), def.kind == .primitive else { return .unknown }
            var format = PrimitiveFormat.builtIn(typeName)
            if format == nil, let pattern = def.pattern {
                if let regex = Self.anchoredRegex(pattern) {
                    patterns.append(regex)
                    format = .pattern(patterns.count - 1)
                }
            }
            let kind: PrimitiveFormat.JSONKind
            switch def.jsonType {
            case "number": kind = .number
            case "boolean": kind = .boolean
            default: kind = .string
            }
            let result = CompiledElement.Category.primitive(format: format ?? .unchecked, kind: kind)
            primitiveCache[typeName] = result
            return result
        }

        var types: [CompiledType] = []
        var resourceTypeIndex: [String: Int] = [:]
        for def in definitions {
            types.append(Self.compile(def, category: category))
            if def.kind == .resource, let i = typeIndex[def.name] { resourceTypeIndex[def.name] = i }
        }
        self.types = types
        self.typeIndex = typeIndex
        self.resourceTypeIndex = resourceTypeIndex
        self.patterns = patterns
    }

    /// Compiles `^...$` (or a bare pattern) so that it must match the whole text.
    static func anchoredRegex(_ pattern: String) -> SharedRegex? {
        var body = Substring(pattern)
        if body.hasPrefix("^") { body = body.dropFirst() }
        if body.hasSuffix("$") && !body.hasSuffix("\\$") { body = body.dropLast() }
        guard let regex = try? NSRegularExpression(pattern: "^(?:" + body + ")$") else { return nil }
        return SharedRegex(regex: regex)
    }

    /// `dateTime` -> `DateTime`: how a type name appears at the end of a choice element's name.
    private static func capitalized(_ typeName: String) -> String {
        guard let first = typeName.first else { return typeName }
        return first.uppercased() + typeName.dropFirst()
    }

    /// Finds the choice groups of a type: two or more single, optional elements named by one prefix
    /// followed by their own capitalized type name (`valueQuantity`, `valueString`), where the prefix
    /// itself is not an element. Returns the group prefix of each element name that belongs to one.
    private static func choicePrefixes(_ def: TypeDefinition) -> [String: String] {
        var candidates: [String: [String]] = [:]
        let required = Set(def.required)
        for name in def.elementOrder {
            guard let e = def.elements[name], !name.hasPrefix("_"), !e.isArray, !required.contains(name) else { continue }
            let suffix = capitalized(e.type)
            guard name.count > suffix.count, name.hasSuffix(suffix) else { continue }
            candidates[String(name.dropLast(suffix.count)), default: []].append(name)
        }
        var result: [String: String] = [:]
        for (prefix, names) in candidates
        where names.count >= 2 && def.elements[prefix] == nil && !notChoiceGroups.contains(def.name + "." + prefix) {
            for name in names { result[name] = prefix }
        }
        return result
    }

    /// Turns one table definition into a ``CompiledType``; `category` resolves element types.
    private static func compile(_ def: TypeDefinition, category: (String) -> CompiledElement.Category) -> CompiledType {
        let choicePrefix = choicePrefixes(def)
        var groups: [String] = []
        var groupIndex: [String: Int] = [:]
        var requiredBit: [String: Int] = [:]
        for (i, name) in def.required.enumerated() where i < 64 { requiredBit[name] = i }

        // The R4 JSON schema leaves out the `_name` companion of most `canonical` elements (those with a
        // target profile, such as `Meta.profile` and `MeasureReport.measure`), although FHIR JSON allows
        // one for every primitive but `xhtml`. Such companions are added here. `id` elements keep none:
        // element ids (and the resource id, in the schema) take no extensions.
        let declared: [ElementDefinition] = def.elementOrder.compactMap { def.elements[$0] }
        var definitions = declared
        var names = Set(def.elementOrder)
        for e in declared where !e.name.hasPrefix("_") && e.name != "id" && e.type != "xhtml" && !names.contains("_" + e.name) {
            guard let t = ElementTable.type(e.type), t.kind == .primitive else { continue }
            definitions.append(ElementDefinition(name: "_" + e.name, type: "Element", isArray: e.isArray, enumValues: nil))
            names.insert("_" + e.name)
        }

        var elements: [CompiledElement] = []
        for e in definitions {
            let name = e.name
            let isCompanion = name.hasPrefix("_")
            let base = isCompanion ? String(name.dropFirst()) : name
            let cat = category(e.type)
            var partner: String?
            if isCompanion {
                partner = base
            } else if case .primitive = cat, names.contains("_" + name) {
                partner = "_" + name
            }
            var group = -1
            if let prefix = choicePrefix[base] {
                if let g = groupIndex[prefix] {
                    group = g
                } else if groups.count < 64 {
                    group = groups.count
                    groupIndex[prefix] = group
                    groups.append(prefix + "[x]")
                }
            }
            elements.append(CompiledElement(
                name: name, typeName: e.type, category: cat, isArray: e.isArray,
                enumValues: e.enumValues.map(EnumValues.init), isCompanion: isCompanion, partnerName: partner,
                choiceGroup: group, requiredBit: requiredBit[base] ?? -1))
        }
        return CompiledType(name: def.name, isResource: def.kind == .resource, elements: elements,
                            required: def.required, choiceGroups: groups)
    }
}
