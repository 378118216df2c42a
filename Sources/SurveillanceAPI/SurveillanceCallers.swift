import FHIRStore
import Identity
import KazakhstanRegions

/// Who may send notifications and read the journal and counts. The services act with full access; these checks
/// are the caller's whole authority, so they are kept in one place.
enum SurveillanceCallers {
    /// What a caller may see of the journal: everything, one region's cases, or one organisation's notifications.
    enum View: Equatable {
        case everything
        case region(String)
        case organization(String)
    }

    /// Clinicians and information systems notify for their organisation; an epidemiologist types in paper
    /// notifications (the organisation then comes from the notification); a system administrator may do either.
    static func notifier(_ principal: AccessToken?) throws(FHIRError) -> (organization: String?, manual: Bool) {
        guard let principal else { return (nil, false) }
        switch principal.accountRole {
        case .systemAdmin: return (principal.org, false)
        case .epidemiologist: return (nil, true)
        case .clinician, .organizationAdmin:
            if let org = principal.org { return (org, false) }
        default:
            if principal.role == AccessToken.systemRole, let org = principal.org { return (org, false) }
        }
        throw FHIRError(403, "forbidden", "Only clinicians and information systems of a medical organisation, and epidemiologists, send emergency notifications")
    }

    /// The part of the journal the caller may read.
    static func journalView(_ principal: AccessToken?) throws(FHIRError) -> View {
        guard let principal else { return .everything }
        switch principal.accountRole {
        case .systemAdmin: return .everything
        case .epidemiologist: return .region(try region(of: principal))
        case .clinician, .organizationAdmin:
            if let org = principal.org { return .organization(org) }
        default:
            if principal.role == AccessToken.systemRole, let org = principal.org { return .organization(org) }
        }
        throw FHIRError(403, "forbidden", "The journal of infectious diseases is for epidemiologists and the notifying organisations")
    }

    /// Counts carry no person: analysts see all regions, epidemiologists their own.
    static func countsView(_ principal: AccessToken?) throws(FHIRError) -> View {
        guard let principal else { return .everything }
        switch principal.accountRole {
        case .systemAdmin, .analyst: return .everything
        case .epidemiologist: return .region(try region(of: principal))
        default: throw FHIRError(403, "forbidden", "Case counts are for epidemiologists and analysts")
        }
    }

    static func region(of principal: AccessToken) throws(FHIRError) -> String {
        guard let name = principal.region, let region = Regions.find(name) else {
            throw FHIRError(403, "forbidden", "This epidemiologist's account has no region")
        }
        return region.kato
    }
}
