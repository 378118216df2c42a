import FHIRJSON

/// How pages name people and organisations from their FHIR resources.
enum DisplayName {
    static func person(_ patient: JSON) -> String {
        guard let name = patient["name"]?[0] else { return patient["id"]?.stringValue ?? "" }
        if let text = name["text"]?.stringValue { return text }
        let given = (name["given"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: " ")
        return [name["family"]?.stringValue, given].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    static func of(_ resource: JSON?) -> String {
        resource?["name"]?.stringValue ?? resource?["id"]?.stringValue ?? "—"
    }
}
