import SQLKit

/// The notifiable (reportable) infectious diseases whose cases a regional epidemiologist may see: the diseases of
/// the pandemic plan (seed 000) and the infection journal (seed 002), by ICD-10 code prefix and SNOMED CT concept.
public enum NotifiableConditions {
    public static let icd10System = "http://hl7.org/fhir/sid/icd-10"
    public static let snomedSystem = "http://snomed.info/sct"

    /// ICD-10 categories (a code matches when it starts with one of them: `A15` covers `A15.0`).
    public static let icd10Prefixes = [
        "A00", "A01", "A02", "A03", "A05", "A15", "A16", "A17", "A18", "A19", "A20", "A21", "A22", "A23", "A27",
        "A33", "A35", "A36", "A37", "A38", "A39", "A80", "A82", "A84", "A90", "A91", "A92", "A95", "A96", "A98",
        "B01", "B05", "B06", "B15", "B16", "B17", "B18", "B20", "B21", "B22", "B23", "B24", "B26", "B50", "B51",
        "B52", "B53", "B54", "B67", "J09", "J10", "J11", "U07",
    ]

    /// SNOMED CT concepts (the coding Synthea and many information systems use).
    public static let snomedCodes = [
        "840539006",   // COVID-19
        "56717001",    // tuberculosis
        "14189004",    // measles
        "36653000",    // rubella
        "86406008",    // HIV infection
        "66071002",    // viral hepatitis B
        "50711007",    // viral hepatitis C
        "40468003",    // viral hepatitis A
        "6142004",     // influenza
        "75702008",    // brucellosis
        "409498004",   // anthrax
        "63650001",    // cholera
        "27836007",    // pertussis
        "397430003",   // diphtheria
        "302231008",   // salmonella infection
        "38907003",    // varicella
        "36989005",    // mumps
        "61462000",    // malaria
        "4834000",     // typhoid fever
        "76272004",    // syphilis
    ]

    /// A condition on the `sp_token` row `alias` (its `system` and `code`) that holds for a notifiable diagnosis.
    static func matches(_ alias: String) -> SQLQueryString {
        let a: SQLQueryString = "\(unsafeRaw: alias)"
        let prefixes = icd10Prefixes.map { p -> SQLQueryString in a + ".code LIKE \(bind: p + "%")" }
        return "((" + a + ".system = \(bind: snomedSystem) AND " + a + ".code IN (\(binds: snomedCodes))) OR (" + a
            + ".system = \(bind: icd10System) AND (" + prefixes.joined(separator: " OR ") + ")))"
    }
}
