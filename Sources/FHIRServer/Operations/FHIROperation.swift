import FHIRJSON
import FHIRStore
import Identity

/// A FHIR operation (`$name`) that a capability module adds to the API — the REST face of a service such as
/// attachment or booking. The API parses the parameters, sets the caller's access scope and audit trace, and
/// turns thrown `FHIRError`s into OperationOutcomes; the operation decides who may call it (`call.principal`).
public struct FHIROperation: Sendable {
    /// Where the operation is invoked.
    public enum Level: Sendable, Equatable {
        /// `[base]/$name`
        case system
        /// `[base]/Type/$name`
        case type(String)
        /// `[base]/Type/[id]/$name`
        case instance(String)
    }

    /// The name without `$`.
    public let name: String
    public let level: Level
    /// Whether it changes data: then only `POST` invokes it; otherwise `GET` with query parameters works too.
    public let affectsState: Bool
    /// One line for the CapabilityStatement.
    public let documentation: String
    /// The canonical URL of its OperationDefinition: the specification's for a standard operation
    /// (`$everything`, `$validate`), ours otherwise.
    public let definition: String
    public let run: @Sendable (OperationCall) async throws -> OperationResult

    public init(name: String, level: Level, affectsState: Bool, documentation: String, definition: String? = nil,
                run: @escaping @Sendable (OperationCall) async throws -> OperationResult) {
        self.name = name
        self.level = level
        self.affectsState = affectsState
        self.documentation = documentation
        self.definition = definition ?? "http://densauluq.kz/fhir/OperationDefinition/\(name)"
        self.run = run
    }

    /// The resource type it is invoked on, nil at system level.
    var resourceType: String? {
        switch level {
        case .system: nil
        case .type(let t), .instance(let t): t
        }
    }
}

/// One invocation of an operation.
public struct OperationCall: Sendable {
    /// The instance id, for an instance-level operation.
    public let id: String?
    public let parameters: OperationParameters
    /// The verified caller, nil when the API runs without authentication (development, tools).
    public let principal: AccessToken?
    /// The API's base URL, for references in the answer.
    public let baseURL: String
    /// The query string's parameters as given, `_count` and the like included (which `parameters` leaves out):
    /// for operations that page like a search.
    public let query: [(String, String)]

    public init(id: String?, parameters: OperationParameters, principal: AccessToken?, baseURL: String, query: [(String, String)] = []) {
        self.id = id
        self.parameters = parameters
        self.principal = principal
        self.baseURL = baseURL
        self.query = query
    }
}

/// What an operation answers: a resource (often `Parameters`) and the HTTP status.
public struct OperationResult: Sendable {
    public var resource: JSON
    public var status: Int

    public init(_ resource: JSON, status: Int = 200) {
        self.resource = resource
        self.status = status
    }

    /// A `Parameters` resource with the given named values (`valueString`, `valueInteger`, `valueReference` … as
    /// given in each part).
    public static func parameters(_ parts: [(name: String, value: [String: JSON])], status: Int = 200) -> OperationResult {
        let parameter: [JSON] = parts.map { part in
            var o = JSONObject()
            o["name"] = .string(part.name)
            for (k, v) in part.value { o[k] = v }
            return .object(o)
        }
        return OperationResult(["resourceType": "Parameters", "parameter": .array(parameter)], status: status)
    }
}
