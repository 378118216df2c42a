import FHIRJSON
import Synchronization

/// The CapabilityStatement is the same for every request with the same base URL, and building it walks every
/// search parameter of every type, so it is built once per base URL. Clients fetch it on every connect.
final class CapabilityCache: Sendable {
    /// Bounded, because the base URL comes from the Host header when no public base URL is configured.
    private static let limit = 16
    private let statements = Mutex<[String: (json: JSON, bytes: [UInt8])]>([:])
    private let operations: [FHIROperation]

    init(operations: [FHIROperation]) { self.operations = operations }

    /// The statement and its compact serialization.
    func statement(baseURL: String) -> (json: JSON, bytes: [UInt8]) {
        if let cached = statements.withLock({ $0[baseURL] }) { return cached }
        let json = CapabilityStatementBuilder.build(baseURL: baseURL, software: "Densauluq", version: "0.1.0", operations: operations)
        let built = (json: json, bytes: json.serializedBytes(pretty: false))
        statements.withLock { cache in
            if cache.count >= Self.limit { cache.removeAll() }
            cache[baseURL] = built
        }
        return built
    }
}
