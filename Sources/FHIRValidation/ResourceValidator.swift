import FHIRDefinitions
import FHIRJSON

/// Checks FHIR R4 resources in JSON form against the structure of the official R4 JSON schema
/// (``FHIRDefinitions/ElementTable``) and the Kazakhstan identity rules (``IIN``).
///
/// What is checked, for every object in the resource, by the table of its type:
/// - the top level is an object whose `resourceType` is an R4 resource type;
/// - every property is an element of the type (`resourceType` only at the root of a resource);
/// - arrays where the element repeats, single values where it does not;
/// - no empty arrays, empty objects or `null` (except `null` in a primitive array whose `_name`
///   companion array holds the id/extensions of that entry, and vice versa);
/// - required elements are present (a primitive's `_name` companion counts);
/// - coded elements with a fixed value set (`Patient.gender`) hold one of its codes;
/// - primitives have the right JSON kind and format (dates must exist in the calendar);
/// - at most one variant of a choice element (`value[x]`) is present;
/// - contained resources and `Bundle.entry.resource` are checked as resources; contained resources
///   must not contain resources themselves (dom-2);
/// - a `Patient` passes ``IIN/validatePatient(_:)``.
///
/// All problems are collected, not just the first. The validator is a value with no state of its own;
/// it can be shared between tasks freely.
public struct ResourceValidator: Sendable {
    private let schema: CompiledSchema

    /// A validator over the R4 tables. The tables are parsed and compiled once per process, by the
    /// first `init()` (about 60 ms); a server should create one at startup so no request pays for it.
    public init() {
        schema = CompiledSchema.shared
    }

    /// Validates a whole resource; returns every problem found (not just the first).
    /// An empty result means the resource is valid.
    public func validate(_ resource: JSON) -> [ValidationIssue] {
        var walker = Walker(schema: schema)
        walker.validateRoot(resource)
        return walker.issues
    }
}

/// One validation run: walks the JSON tree, keeping the path to the current value so that a
/// location is only turned into text when there is an issue to report.
private struct Walker {
    /// The compiled tables.
    let schema: CompiledSchema
    /// The problems found so far.
    var issues: [ValidationIssue] = []
    /// The first step of every location: the root resource type.
    var root = "Resource"
    /// The keys and array indexes from the root to the current value.
    var path: [Segment] = []
    /// How many `contained` lists the walk is inside.
    var containedDepth = 0

    /// One step of a location.
    enum Segment {
        /// `.name`
        case key(String)
        /// `[3]`
        case index(Int)
    }

    /// Starts a run over `schema`.
    init(schema: CompiledSchema) {
        self.schema = schema
        path.reserveCapacity(16)
    }

    // MARK: Locations and issues

    /// The current location, e.g. `Patient.name[0].given`, optionally with one more key.
    func location(_ key: String? = nil) -> String {
        var s = root
        for segment in path {
            switch segment {
            case .key(let k):
                s += "."
                s += k
            case .index(let i):
                s += "["
                s += String(i)
                s += "]"
            }
        }
        if let key {
            s += "."
            s += key
        }
        return s
    }

    /// The last key on the path (the element name), for messages.
    var currentElement: String {
        for segment in path.reversed() { if case .key(let k) = segment { return k } }
        return root
    }

    /// Records an issue at `location`, or at the current path.
    mutating func report(_ code: String, _ message: String, at location: String? = nil,
                         severity: ValidationIssue.Severity = .error) {
        issues.append(ValidationIssue(severity: severity, code: code, message: message,
                                      location: location ?? self.location()))
    }

    /// A value quoted for a message, shortened when long.
    static func quoted(_ s: String) -> String {
        if s.utf8.count <= 80 { return "'\(s)'" }
        return "'\(s.prefix(60))…' (\(s.count) characters)"
    }

    // MARK: Resources

    /// Checks the value given to ``ResourceValidator/validate(_:)``.
    mutating func validateRoot(_ resource: JSON) {
        guard case .object(let object) = resource else {
            report(ValidationIssue.Code.invalid,
                   "A resource must be a JSON object with a 'resourceType', but a JSON \(resource.kindName) was given",
                   severity: .fatal)
            return
        }
        if case .string(let name)? = object["resourceType"], schema.resourceTypeIndex[name] != nil {
            root = name
        }
        validateResource(object)
    }

    /// Checks an object that must be a resource, at the current path.
    mutating func validateResource(_ object: JSONObject) {
        guard let typeValue = object["resourceType"] else {
            report(ValidationIssue.Code.required,
                   "A resource must have a 'resourceType' naming its type, but it is missing", at: location("resourceType"))
            return
        }
        guard case .string(let name) = typeValue else {
            report(ValidationIssue.Code.structure,
                   "'resourceType' must be a JSON string naming a resource type, but a JSON \(typeValue.kindName) was given",
                   at: location("resourceType"))
            return
        }
        guard let typeIndex = schema.resourceTypeIndex[name] else {
            report(ValidationIssue.Code.invalid,
                   "Unknown resource type \(Self.quoted(name)): expected one of the FHIR R4 resource types such as 'Patient' or 'Observation'",
                   at: location("resourceType"))
            return
        }
        validateObject(object, typeIndex: typeIndex)
        if name == "Patient" {
            issues += IIN.patientIssues(object, location: location())
        }
    }

    // MARK: Objects

    /// Checks the members of `object` against the type at `typeIndex`.
    mutating func validateObject(_ object: JSONObject, typeIndex: Int) {
        let type = schema.types[typeIndex]
        let members = object.members
        if members.isEmpty {
            report(ValidationIssue.Code.structure,
                   "'\(currentElement)' is an empty object; FHIR does not allow empty objects (leave the element out instead)")
            return
        }
        var requiredSeen: UInt64 = 0
        var choicesSeen: UInt64 = 0
        for (memberIndex, member) in members.enumerated() {
            guard let elementIndex = type.index[member.key] else {
                reportUnknown(member.key, in: type)
                continue
            }
            let element = type.elements[elementIndex]
            if element.requiredBit >= 0 { requiredSeen |= UInt64(1) << UInt64(element.requiredBit) }
            if element.choiceGroup >= 0 {
                let bit = UInt64(1) << UInt64(element.choiceGroup)
                if choicesSeen & bit != 0 {
                    checkChoice(element, in: type, members: members, before: memberIndex)
                }
                choicesSeen |= bit
            }
            path.append(.key(member.key))
            validateMember(member.value, element: element, object: object)
            path.removeLast()
        }
        if requiredSeen != type.requiredMask || type.required.count > 64 {
            reportMissing(type, object: object, seen: requiredSeen)
        }
    }

    /// Reports a key that is not an element of `type`.
    mutating func reportUnknown(_ key: String, in type: CompiledType) {
        if key == "resourceType" {
            report(ValidationIssue.Code.structure,
                   "'resourceType' is only allowed at the root of a resource, not inside \(type.name)",
                   at: location(key))
        } else {
            report(ValidationIssue.Code.structure,
                   "Unknown element \(Self.quoted(key)) in \(type.name): it is not an element of that type in FHIR R4",
                   at: location(key))
        }
    }

    /// Reports each required element of `type` whose bit is not in `seen`.
    mutating func reportMissing(_ type: CompiledType, object: JSONObject, seen: UInt64) {
        for (i, name) in type.required.enumerated() {
            let present: Bool
            if i < 64 {
                present = seen & (UInt64(1) << UInt64(i)) != 0
            } else {
                present = object[name] != nil || object["_" + name] != nil
            }
            if !present {
                report(ValidationIssue.Code.required,
                       "Missing required element '\(name)' of \(type.name)", at: location(name))
            }
        }
    }

    /// A second member of the same choice group: an error unless it is the companion of the first.
    mutating func checkChoice(_ element: CompiledElement, in type: CompiledType, members: [JSONObject.Member], before end: Int) {
        let variant = element.variantName
        for member in members[..<end] {
            guard let i = type.index[member.key] else { continue }
            let other = type.elements[i]
            if other.choiceGroup == element.choiceGroup && other.variantName != variant {
                report(ValidationIssue.Code.structure,
                       "Only one variant of the choice element \(type.choiceGroups[element.choiceGroup]) may be present, "
                           + "but both '\(other.variantName)' and '\(variant)' are given",
                       at: location(element.name))
                return
            }
        }
    }

    // MARK: Members

    /// Checks the value of one member (the path already ends with its key).
    mutating func validateMember(_ value: JSON, element: CompiledElement, object: JSONObject) {
        switch value {
        case .array(let items):
            guard element.isArray else {
                report(ValidationIssue.Code.structure,
                       "'\(element.name)' holds a single \(element.typeName) value, but an array was given")
                return
            }
            if items.isEmpty {
                report(ValidationIssue.Code.structure,
                       "'\(element.name)' is an empty array; FHIR does not allow empty arrays (leave the element out instead)")
                return
            }
            if element.name == "contained" && containedDepth > 0 {
                report(ValidationIssue.Code.structure,
                       "A contained resource must not contain other resources (dom-2)")
                return
            }
            if element.isCompanion || element.partnerName != nil {
                checkPartnerLength(element, count: items.count, object: object)
            }
            let isContained = element.name == "contained"
            if isContained { containedDepth += 1 }
            for (i, item) in items.enumerated() {
                path.append(.index(i))
                if case .null = item {
                    if !partnerHasValue(element, at: i, object: object) {
                        report(ValidationIssue.Code.structure, nullMessage(element, inArray: true))
                    }
                } else {
                    validateValue(item, element: element)
                }
                path.removeLast()
            }
            if isContained { containedDepth -= 1 }
        case .null:
            report(ValidationIssue.Code.structure, nullMessage(element, inArray: false))
        default:
            if element.isArray {
                report(ValidationIssue.Code.structure,
                       "'\(element.name)' repeats and must be a JSON array of \(element.typeName), but a single JSON \(value.kindName) was given")
                return
            }
            validateValue(value, element: element)
        }
    }

    /// The message for a `null` value of `element`.
    func nullMessage(_ element: CompiledElement, inArray: Bool) -> String {
        if inArray && (element.isCompanion || element.partnerName != nil) {
            let partner = element.partnerName ?? "_" + element.name
            return "null in '\(element.name)' is only allowed where '\(partner)' has a value at the same position"
        }
        return "'\(element.name)' is null; FHIR does not allow null values (leave the element out instead)"
    }

    /// Whether the primitive/companion partner array of `element` has a non-null entry at `index`.
    func partnerHasValue(_ element: CompiledElement, at index: Int, object: JSONObject) -> Bool {
        guard let partner = element.partnerName, case .array(let items)? = object[partner], index < items.count else {
            return false
        }
        if case .null = items[index] { return false }
        return true
    }

    /// `given` and `_given` must have the same length; checked from the companion's side.
    mutating func checkPartnerLength(_ element: CompiledElement, count: Int, object: JSONObject) {
        guard element.isCompanion, let partner = element.partnerName,
              case .array(let items)? = object[partner], items.count != count else { return }
        report(ValidationIssue.Code.structure,
               "'\(element.name)' has \(count) entries but '\(partner)' has \(items.count); they must have the same length")
    }

    /// Checks one (non-null, non-array) value of `element` at the current path.
    mutating func validateValue(_ value: JSON, element: CompiledElement) {
        switch element.category {
        case .primitive(let format, let kind):
            validatePrimitive(value, element: element, format: format, kind: kind)
        case .complex(let typeIndex):
            guard case .object(let object) = value else {
                report(ValidationIssue.Code.structure,
                       "'\(element.name)' must be a JSON object (\(element.typeName)), but a JSON \(value.kindName) was given")
                return
            }
            validateObject(object, typeIndex: typeIndex)
        case .resource:
            guard case .object(let object) = value else {
                report(ValidationIssue.Code.structure,
                       "'\(element.name)' must be a resource (a JSON object with 'resourceType'), but a JSON \(value.kindName) was given")
                return
            }
            if object.isEmpty {
                report(ValidationIssue.Code.structure,
                       "'\(element.name)' is an empty object; a resource with a 'resourceType' was expected")
                return
            }
            validateResource(object)
        case .unknown:
            break
        }
    }

    // MARK: Primitives

    /// Checks a primitive value: JSON kind, emptiness, value set, then format.
    mutating func validatePrimitive(_ value: JSON, element: CompiledElement, format: PrimitiveFormat,
                                    kind: PrimitiveFormat.JSONKind) {
        switch (kind, value) {
        case (.string, .string(let text)):
            if text.isEmpty {
                report(ValidationIssue.Code.value,
                       "'\(element.name)' is an empty string; FHIR does not allow empty values (leave the element out instead)")
                return
            }
            if let allowed = element.enumValues {
                if !allowed.contains(text) { reportCode(text, element: element, allowed: allowed) }
                return
            }
            checkFormat(text, element: element, format: format)
        case (.number, .number(let literal)):
            checkFormat(literal, element: element, format: format)
        case (.boolean, .bool):
            break
        default:
            let expected: String
            switch kind {
            case .string: expected = "a JSON string"
            case .number: expected = "a JSON number"
            case .boolean: expected = "JSON true or false"
            }
            var message = "'\(element.name)' is a \(element.typeName) and must be \(expected), but a JSON \(value.kindName) was given"
            if case .string(let text) = value { message += " (\(Self.quoted(text)))" }
            report(ValidationIssue.Code.structure, message)
        }
    }

    /// Reports a code outside the element's value set, listing the allowed codes.
    mutating func reportCode(_ code: String, element: CompiledElement, allowed: EnumValues) {
        let list = allowed.list.count <= 12
            ? allowed.list.map { "'\($0)'" }.joined(separator: ", ")
            : allowed.list.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + ", … (\(allowed.list.count) codes)"
        report(ValidationIssue.Code.codeInvalid,
               "\(Self.quoted(code)) is not a valid code for '\(element.name)': expected one of \(list)")
    }

    /// Checks the text of a primitive (the literal for numbers) against its format.
    mutating func checkFormat(_ text: String, element: CompiledElement, format: PrimitiveFormat) {
        let failure: FormatFailure?
        if case .pattern(let i) = format {
            failure = schema.patterns[i].matches(text) ? nil : .malformed
        } else {
            failure = FormatCheck.withBytes(text) { FormatCheck.check(format, $0) }
        }
        guard let failure else { return }
        let expectation = format.expectation(typeName: element.typeName)
        let message: String
        switch failure {
        case .malformed:
            message = "\(Self.quoted(text)) is not a valid \(element.typeName) for '\(element.name)': expected \(expectation)"
        case .notACalendarDate:
            message = "\(Self.quoted(text)) is not a valid \(element.typeName) for '\(element.name)': that day does not exist in the calendar"
        case .outOfRange:
            message = "\(text) is out of range for '\(element.name)' (\(element.typeName)): expected \(expectation)"
        }
        report(ValidationIssue.Code.value, message)
    }
}
