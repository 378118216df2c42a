import FHIRDefinitions
import Foundation
import FHIRStore
import Identity
import SQLKit

/// Decides what the holder of an access token may read and write: the rules of each role, refined by the
/// token's SMART scopes. The result is an `AccessScope`, which the store enforces on every query.
///
/// - citizen: their own record and those of the children and wards they legally represent; no writes.
/// - clinician: patients attached to their organisation or with an appointment, encounter, referral or episode
///   of care with them or their organisation; anyone else only by breaking the glass with a stated reason.
///   Writes go to the same patients and are stamped with the organisation (`meta.source`).
/// - pharmacist: prescriptions and dispensations, looked up by patient or identifier; writes dispensations.
/// - epidemiologist: notifiable-disease cases of their region (the Conditions themselves, lab results,
///   immunisations, encounters, specimens); no writes.
/// - analyst: indicators (population MeasureReports, Measures) only, never patient-level data.
/// - plan executor: the same; reports progress on the state plans' measures through the strategy monitoring.
/// - organisation administrator: the directory (organisations, practitioners, locations …) of their organisation.
/// - system administrator: everything (deployment, loading); every access is audited like any other.
/// - integration client (`role: system`): like its organisation's clinicians, within its registered scopes.
public struct AccessPolicy: Sendable {
    /// The shortest accepted break-the-glass reason, so that the field is not filled with a character.
    public var minimumReasonLength = 10

    /// Scopes worked out before, by token: a client sends one token with every request, and parsing its SMART
    /// scopes and building the role's rules each time was 2 % of a read by id. Not for break-the-glass requests.
    let known = KnownScopes()

    public init() {}

    /// The types every signed-in role may read: reference data that is about no patient.
    public static let directoryTypes: Set<String> = Set(ResourceTypes.supported.filter { !AccessScope.isPatientData($0) })

    /// Patient-data types an epidemiologist reads for a case.
    public static let epidemiologyTypes: Set<String> = ["Patient", "Condition", "Observation", "DiagnosticReport", "Immunization", "Encounter", "Specimen"]
    public static let pharmacyReadTypes: Set<String> = ["Patient", "MedicationRequest", "MedicationDispense", "MedicationStatement", "AllergyIntolerance"]
    public static let pharmacyWriteTypes: Set<String> = ["MedicationDispense"]
    public static let organizationDirectoryTypes: Set<String> = [
        "Organization", "Practitioner", "PractitionerRole", "Location", "HealthcareService", "Schedule", "Slot", "Endpoint",
    ]

    /// The scope of a request made with `token`.
    /// - Parameter accessReason: the `X-Access-Reason` header: a clinician's reason to break the glass.
    /// - Throws: 403 when the token cannot be used for patient data in this way.
    public func scope(for token: AccessToken, accessReason: String?) throws(FHIRError) -> AccessScope {
        guard accessReason == nil else { return try workOutScope(for: token, accessReason: accessReason) }
        if let scope = known.scope(token.jti.value) { return scope }
        let scope = try workOutScope(for: token, accessReason: nil)
        known.remember(token.jti.value, scope)
        return scope
    }

    func workOutScope(for token: AccessToken, accessReason: String?) throws(FHIRError) -> AccessScope {
        let smart = SMARTScopes(token.scope)
        let reason = accessReason?.trimmingCharacters(in: .whitespacesAndNewlines)
        var scope: AccessScope
        if token.role == AccessToken.systemRole {
            guard let org = token.org else { throw FHIRError(403, "forbidden", "The integration client has no organisation") }
            let patients = AccessScope.Patients.matching(PatientSets.careOf(organization: org, practitioner: nil))
            scope = AccessScope(read: patients, write: patients, owner: Self.source(org), ownedOnly: true,
                                holder: "information system of Organization/\(org)")
        } else {
            guard let role = token.accountRole else { throw FHIRError(403, "forbidden", "Unknown role '\(token.role)'") }
            scope = try roleScope(role, token, breakingGlass: reason?.isEmpty == false)
        }
        if let reason, !reason.isEmpty {
            guard token.accountRole == .clinician else {
                throw FHIRError(403, "forbidden", "Only a clinician may break the glass (X-Access-Reason)")
            }
            guard reason.count >= minimumReasonLength else {
                throw FHIRError(403, "forbidden", "A break-the-glass reason must say why, in at least \(minimumReasonLength) characters")
            }
        }
        scope.readTypes = scope.readTypes.intersection(SMARTScopes.types(smart.readable))
        scope.writeTypes = scope.writeTypes.intersection(SMARTScopes.types(smart.writable))
        return scope
    }

    func roleScope(_ role: Role, _ token: AccessToken, breakingGlass: Bool) throws(FHIRError) -> AccessScope {
        switch role {
        case .citizen:
            guard let iin = token.iin else { throw FHIRError(403, "forbidden", "The citizen account has no ИИН") }
            let patients = AccessScope.Patients.query(PatientSets.citizen(iin: iin))
            return AccessScope(read: patients, write: .none, writeTypes: .only([]), holder: "citizen")
        case .clinician:
            guard let org = token.org else { throw FHIRError(403, "forbidden", "The clinician account has no organisation") }
            let holder = "clinician at Organization/\(org)"
            if breakingGlass { return AccessScope(read: .all, write: .all, owner: Self.source(org), holder: holder) }
            let patients = AccessScope.Patients.matching(PatientSets.careOf(organization: org, practitioner: token.practitioner))
            return AccessScope(read: patients, write: patients, owner: Self.source(org), holder: holder)
        case .pharmacist:
            return AccessScope(read: .all, write: .all, readTypes: .only(Self.pharmacyReadTypes.union(Self.directoryTypes)),
                               writeTypes: .only(Self.pharmacyWriteTypes), searchNeedsPatient: true,
                               owner: token.org.map(Self.source), holder: "pharmacist")
        case .epidemiologist:
            guard let region = token.region else { throw FHIRError(403, "forbidden", "The epidemiologist account has no region") }
            let laboratory: SQLQueryString = "EXISTS (SELECT 1 FROM sp_token x WHERE x.seq = r.seq AND x.param = 'category' AND x.code = 'laboratory')"
            let notifiable: SQLQueryString = "EXISTS (SELECT 1 FROM sp_token x WHERE x.seq = r.seq AND x.param = 'code' AND " + NotifiableConditions.matches("x") + ")"
            return AccessScope(read: .query(PatientSets.notifiableCases(region: region)), write: .none,
                               readTypes: .only(Self.epidemiologyTypes.union(Self.directoryTypes)), writeTypes: .only([]),
                               rowConditions: ["Condition": notifiable, "Observation": laboratory], holder: "epidemiologist of \(region)")
        case .analyst:
            return AccessScope(read: .none, write: .none, writeTypes: .only([]), holder: "analyst")
        case .planExecutor:
            return AccessScope(read: .none, write: .none, writeTypes: .only([]), holder: "plan executor \(token.org ?? "?")")
        case .organizationAdmin:
            return AccessScope(read: .none, write: .none, writeTypes: .only(Self.organizationDirectoryTypes),
                               owner: token.org.map(Self.source), ownedOnly: true, holder: "administrator of Organization/\(token.org ?? "?")")
        case .systemAdmin:
            return .unrestricted
        }
    }

    /// The `meta.source` of data written by an organisation.
    public static func source(_ organization: String) -> String { "urn:densauluq:organization:\(organization)" }
}
