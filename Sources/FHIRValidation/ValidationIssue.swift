/// One problem found in a resource, shaped like an `OperationOutcome.issue`.
public struct ValidationIssue: Sendable, Equatable, CustomStringConvertible {
    /// How bad the problem is (`OperationOutcome.issue.severity`).
    public enum Severity: String, Sendable {
        /// The content could not be processed at all (for example the body is not a JSON object).
        case fatal
        /// The content is invalid; a server must reject it.
        case error
        /// The content is acceptable but probably not what was meant.
        case warning
        /// For information only.
        case information
    }

    /// How bad the problem is.
    public let severity: Severity
    /// The FHIR issue-type code (`OperationOutcome.issue.code`): `structure` (unknown element, wrong JSON
    /// shape or kind), `required` (missing element), `value` (a primitive in the wrong format),
    /// `invalid` (not a resource at all), `code-invalid` (a code outside its value set) or
    /// `business-rule` (rules such as the ИИН agreeing with the birth date).
    public let code: String
    /// What is wrong and what was expected, in English.
    public let message: String
    /// A FHIRPath-like location of the problem, e.g. `Patient.name[0].given[1]` or
    /// `Bundle.entry[0].resource.valueQuantity.value`.
    public let location: String

    /// Makes an issue.
    public init(severity: Severity, code: String, message: String, location: String) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }

    /// `error structure at Patient.foo: ...`, for logs and test failure messages.
    public var description: String { "\(severity.rawValue) \(code) at \(location): \(message)" }
}

extension ValidationIssue {
    /// Issue-type codes used by this module.
    enum Code {
        /// Unknown element, wrong JSON shape or kind, empty or null value, choice conflict.
        static let structure = "structure"
        /// A required element is missing.
        static let required = "required"
        /// A primitive value is not in the format of its type.
        static let value = "value"
        /// The content is not a resource of a known type.
        static let invalid = "invalid"
        /// A code is not in its value set.
        static let codeInvalid = "code-invalid"
        /// A rule across elements, such as the ИИН matching the birth date, is broken.
        static let businessRule = "business-rule"
    }
}
