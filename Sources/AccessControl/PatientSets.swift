import FHIRStore
import FHIRValidation
import Foundation
import SQLKit

/// The patients a person may see, as subqueries over the search index that select patient compartment ids.
/// They run inside each query, so access follows the data at once: an encounter recorded a minute ago opens the
/// record to its clinician, a representation that ends closes it.
public enum PatientSets {
    /// v3 RoleCode relationships that make a RelatedPerson the legal representative of a minor.
    public static let parentCodes = ["PRN", "MTH", "FTH", "NPRN", "NMTH", "NFTH", "ADOPTP", "ADOPTM", "ADOPTF", "STPPRN"]
    /// A guardian (appointed by a court) represents the patient at any age.
    public static let guardianCode = "GUARD"
    /// Representation of a minor by a parent ends at this age.
    public static let ageOfMajority = 18

    /// The citizen with this ИИН: their own Patient record, and the children (under 18) and wards whose
    /// active RelatedPerson names this ИИН as parent or guardian.
    public static func citizen(iin: String, now: Date = Date()) -> SQLQueryString {
        let cutoff = Calendar(identifier: .gregorian).date(byAdding: .year, value: -ageOfMajority, to: now) ?? now
        let cutoffMillis = Int64(cutoff.timeIntervalSince1970 * 1000)
        return """
            SELECT compartment FROM sp_token WHERE res_type = 'Patient' AND param = 'identifier' AND code = \(bind: iin) AND system = \(bind: IIN.system)
            UNION SELECT rp.compartment FROM sp_token rp JOIN sp_token rel ON rel.seq = rp.seq AND rel.param = 'relationship'
            WHERE rp.res_type = 'RelatedPerson' AND rp.param = 'identifier' AND rp.code = \(bind: iin) AND rp.system = \(bind: IIN.system)
              AND NOT EXISTS (SELECT 1 FROM sp_token act WHERE act.seq = rp.seq AND act.param = 'active' AND act.code = 'false')
              AND (rel.code = \(bind: guardianCode) OR (rel.code IN (\(binds: parentCodes)) AND EXISTS (
                SELECT 1 FROM sp_date b WHERE b.res_type = 'Patient' AND b.param = 'birthdate' AND b.compartment = rp.compartment AND b.lo > \(bind: cutoffMillis))))
            """
    }

    /// References that put a patient in the care of an organisation or practitioner: attachment (the Patient's
    /// general practitioner or managing organisation), appointments, encounters, referrals and episodes of care.
    static let careParameters: [(type: String, params: [String])] = [
        ("Patient", ["general-practitioner", "organization"]),
        ("Appointment", ["actor", "practitioner"]),
        ("Encounter", ["participant", "practitioner", "service-provider"]),
        ("ServiceRequest", ["performer", "requester"]),
        ("EpisodeOfCare", ["organization", "care-manager"]),
    ]

    /// Patients in the care of `organization` or of `practitioner` (a clinician, or an organisation's
    /// information system when `practitioner` is nil): a probe for the patient at hand — is there a care
    /// reference in that patient's compartment to the organisation or practitioner — answered by the index
    /// `sp_reference_target (target_type, target_id, compartment)`. As a subquery of all such patients, every read
    /// of one record by a polyclinic's clinician first listed every reference to the polyclinic (15 ms for one
    /// read at 6,328 references in the demo; growing with the polyclinic).
    public static func careOf(organization: String?, practitioner: String?) -> AccessScope.PatientCondition {
        var targets: [SQLQueryString] = []
        if let organization { targets.append("(care.target_type = 'Organization' AND care.target_id = \(bind: organization))") }
        if let practitioner { targets.append("(care.target_type = 'Practitioner' AND care.target_id = \(bind: practitioner))") }
        guard !targets.isEmpty else { return AccessScope.PatientCondition { _ in "1 = 0" } }
        let types = careParameters.map(\.type)
        let params = Array(Set(careParameters.flatMap(\.params))).sorted()
        let probe: SQLQueryString = " AND care.res_type IN (\(binds: types)) AND care.param IN (\(binds: params)))"
        let ranges = targets
        return AccessScope.PatientCondition { compartment in
            // One EXISTS per target, so each is a single range of the index.
            let each = ranges.map { target -> SQLQueryString in
                "EXISTS (SELECT 1 FROM sp_reference care WHERE " + target + " AND care.compartment = " + compartment + probe
            }
            return "(" + each.joined(separator: " OR ") + ")"
        }
    }

    /// Patients living in `region` (Patient.address.state) with a notifiable diagnosis.
    public static func notifiableCases(region: String) -> SQLQueryString {
        """
        SELECT c.compartment FROM sp_token c WHERE c.res_type = 'Condition' AND c.param = 'code' AND \(NotifiableConditions.matches("c"))
          AND c.compartment IN (SELECT s.compartment FROM sp_string s WHERE s.res_type = 'Patient' AND s.param = 'address-state'
            AND s.norm = \(bind: StringNormalization.normalize(region)))
        """
    }
}
