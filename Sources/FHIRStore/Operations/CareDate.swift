import FHIRDefinitions

/// The date a resource's care happened on, for `$everything`'s `start` and `end`: one date search parameter
/// per type of patient data.
///
/// The specification says the range "relates to care dates, not record currency dates" without naming them per
/// type. Where R4 has the common `clinical-date` parameter (`date` on Encounter, Observation, Procedure …) it is
/// used; elsewhere the date the care was given or ordered (a prescription's `authoredon`, a dispense's
/// `whenhandedover`, a claim's `created`, a condition's onset). Types without such a date (Patient,
/// RelatedPerson, SupplyDelivery) are not care events and are always part of the record.
enum CareDate {
    static let parameters: [String: String] = [
        "AllergyIntolerance": "date",
        "Appointment": "date",
        "AuditEvent": "date",
        "CarePlan": "date",
        "CareTeam": "date",
        "Claim": "created",
        "Communication": "sent",
        "Condition": "onset-date",
        "Consent": "date",
        "DiagnosticReport": "date",
        "DocumentReference": "date",
        "Encounter": "date",
        "EpisodeOfCare": "date",
        "ExplanationOfBenefit": "created",
        "ImagingStudy": "started",
        "Immunization": "date",
        "MeasureReport": "date",
        "MedicationAdministration": "effective-time",
        "MedicationDispense": "whenhandedover",
        "MedicationRequest": "authoredon",
        "Observation": "date",
        "Procedure": "date",
        "Provenance": "recorded",
        "QuestionnaireResponse": "authored",
        "Schedule": "date",
        "ServiceRequest": "authored",
        "Task": "authored-on",
    ]

    /// The care-date parameter of `type`, if it has one and it is a date parameter there.
    static func parameter(of type: String) -> String? {
        guard let code = parameters[type], SearchParameters.definition(code, on: type)?.type == .date else { return nil }
        return code
    }
}
