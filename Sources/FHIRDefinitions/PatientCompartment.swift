/// The R4 Patient compartment (`CompartmentDefinition/patient`).
public enum PatientCompartment {
    /// The pseudo-parameter meaning "the resource is the compartment's own patient" (its id is the patient's id).
    public static let definitionalParameter = "{def}"

    /// Search parameter codes by which a resource of this type belongs to a patient's compartment:
    /// a resource is in patient P's compartment when any of these reference parameters points to P.
    ///
    /// - `Observation` -> `["subject", "performer"]`.
    /// - `Patient` -> `["{def}", "link"]`: a patient is in its own compartment (`{def}`), and the
    ///   official definition also puts patients that `link` to P in P's compartment.
    /// - `[]` when the type is not in the compartment (e.g. `Organization`) or is unknown.
    public static func parameters(for resourceType: String) -> [String] {
        table[resourceType] ?? []
    }

    /// The resource types that can be in a patient's compartment, sorted.
    public static var resourceTypes: [String] { table.keys.sorted() }

    private static let table: [String: [String]] = {
        var result: [String: [String]] = [:]
        for (line, fields) in GeneratedTable.records(PatientCompartmentData.text) {
            GeneratedTable.expect(fields, count: 2, "PatientCompartmentData", line)
            let params = GeneratedTable.list(fields[1])
            if params.isEmpty { GeneratedTable.malformed("PatientCompartmentData", line, "no parameters") }
            result[String(fields[0])] = params
        }
        var patient = result["Patient"] ?? []
        if !patient.contains(definitionalParameter) { patient.insert(definitionalParameter, at: 0) }
        result["Patient"] = patient
        return result
    }()
}
