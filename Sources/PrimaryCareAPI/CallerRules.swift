import FHIRJSON
import FHIRStore
import Identity

/// Who may ask a primary-care service to act for a person. The service itself then writes with full access; these
/// checks are the whole of the caller's authority, so they are kept here in one place.
enum CallerRules {
    /// How a caller stands to the request.
    enum Standing: Equatable {
        /// The person or their legal representative (a citizen whose scope can read the Patient).
        case person
        /// Staff or the information system of the organisation concerned.
        case organization(String)
        /// A system administrator, or no authentication configured (development and tools).
        case administrator
    }

    /// The caller's standing for acting on `patient` at one of `organizations` (the organisation asked for, the
    /// current one …).
    /// - Throws: 403 when the caller has none.
    static func standing(_ principal: AccessToken?, repository: Repository, patient: String, organizations: [String]) async throws -> Standing {
        guard let principal else { return .administrator }
        switch principal.accountRole {
        case .systemAdmin: return .administrator
        case .citizen:
            // The citizen's scope decides: their own Patient and their children's are readable, no other.
            _ = try await repository.read(type: "Patient", id: patient)
            return .person
        case .clinician, .organizationAdmin:
            if let org = principal.org, organizations.contains(org) { return .organization(org) }
        default:
            if principal.role == AccessToken.systemRole, let org = principal.org, organizations.contains(org) { return .organization(org) }
        }
        throw FHIRError(403, "forbidden", "Only the person, their legal representative, the staff of the organisation concerned or a system administrator may do this for Patient/\(patient)")
    }

    /// Refuses everyone but the organisation's administrator (and, unless `administratorOnly`, its information
    /// system) and system administrators.
    static func requireStaff(_ principal: AccessToken?, of organization: String, administratorOnly: Bool) throws(FHIRError) {
        guard let principal else { return }
        switch principal.accountRole {
        case .systemAdmin: return
        case .organizationAdmin where principal.org == organization: return
        default:
            if !administratorOnly, principal.role == AccessToken.systemRole, principal.org == organization { return }
        }
        throw FHIRError(403, "forbidden", "Only the administrator of Organization/\(organization) may do this")
    }

    /// Refuses everyone but clinicians of the organisation, its information system and system administrators;
    /// returns the clinician's Practitioner id when there is one.
    static func requireClinician(_ principal: AccessToken?, of organization: String?) throws(FHIRError) -> String? {
        guard let principal else { return nil }
        if principal.accountRole == .systemAdmin { return nil }
        if let organization, principal.org == organization {
            if principal.accountRole == .clinician { return principal.practitioner }
            if principal.role == AccessToken.systemRole { return nil }
        }
        throw FHIRError(403, "forbidden", "Only a clinician of Organization/\(organization ?? "?") records this visit")
    }

    /// Refuses everyone but system administrators.
    static func requireAdministrator(_ principal: AccessToken?, _ what: String) throws(FHIRError) {
        guard let principal else { return }
        guard principal.accountRole == .systemAdmin else { throw FHIRError(403, "forbidden", "Only a system administrator may \(what)") }
    }
}
