/// The FHIR R4 resource types.
public enum ResourceTypes {
    /// Every R4 resource type (146), from the discriminator mapping of the official `fhir.schema.json`.
    public static let all: Set<String> = Set(table.keys)

    /// The resource types that are domain resources (they have `text`, `contained`, `extension`
    /// and `modifierExtension`); every resource type except `Bundle`, `Binary` and `Parameters`.
    public static let domainResources: Set<String> = Set(table.filter { $0.value }.keys)

    /// The resource types this server supports, in a stable order for the CapabilityStatement.
    public static let supported: [String] = [
        "Patient", "RelatedPerson", "Practitioner", "PractitionerRole", "Organization", "Location",
        "HealthcareService", "Schedule", "Slot", "Appointment", "Encounter", "EpisodeOfCare",
        "Condition", "Observation", "DiagnosticReport", "Procedure", "Medication", "MedicationRequest",
        "MedicationDispense", "MedicationAdministration", "Immunization", "AllergyIntolerance",
        "ServiceRequest", "CarePlan", "CareTeam", "DocumentReference", "Communication", "Task",
        "Questionnaire", "QuestionnaireResponse", "Consent", "AuditEvent", "Provenance", "Claim",
        "ExplanationOfBenefit", "Device", "ImagingStudy", "SupplyDelivery", "Measure", "MeasureReport",
        "Bundle",
    ]

    /// `supported` as a set, for membership tests.
    public static let supportedSet: Set<String> = Set(supported)

    /// Whether `name` is an R4 resource type.
    public static func isResourceType(_ name: String) -> Bool { all.contains(name) }

    /// Whether `name` is an R4 resource type that derives from DomainResource.
    public static func isDomainResource(_ name: String) -> Bool { domainResources.contains(name) }

    /// Resource type name -> is a domain resource.
    private static let table: [String: Bool] = {
        var result: [String: Bool] = [:]
        for (line, fields) in GeneratedTable.records(ResourceTypeData.text) {
            GeneratedTable.expect(fields, count: 2, "ResourceTypeData", line)
            switch fields[1] {
            case "D": result[String(fields[0])] = true
            case "R": result[String(fields[0])] = false
            default: GeneratedTable.malformed("ResourceTypeData", line, "kind must be R or D")
            }
        }
        return result
    }()
}
