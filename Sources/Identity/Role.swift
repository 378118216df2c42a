/// What a person or system is allowed to be in Densauluq. The raw values are what the CLI, tokens and the
/// database use.
public enum Role: String, CaseIterable, Sendable, Codable {
    /// A citizen, identified by ИИН: their own record and their children's.
    case citizen
    /// A doctor or nurse: a Practitioner with a PractitionerRole at a medical organisation.
    case clinician
    /// A pharmacist at a pharmacy (an Organization).
    case pharmacist
    /// A regional epidemiologist: notifiable-disease cases of their region.
    case epidemiologist
    /// A ministry or akimat analyst: indicators and aggregates, never patient-level data.
    case analyst
    /// An officer of a body responsible for the state plans' measures (a ministry, an akimat): reports progress on
    /// them; `organization` is the body as the plans name it («МЗ», «МИО»). No patient data.
    case planExecutor = "plan-executor"
    /// Administers the accounts of one organisation.
    case organizationAdmin = "org-admin"
    /// Administers the whole deployment.
    case systemAdmin = "system-admin"

    /// Whether accounts of this role belong to an organisation (its Organization id is required).
    public var needsOrganization: Bool { [.clinician, .pharmacist, .organizationAdmin].contains(self) }
}
