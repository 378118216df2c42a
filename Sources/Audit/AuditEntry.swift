/// One access to health data: who, in what role and organisation, did what to which resource (and whose record
/// it is), when, from where, why, and how it ended.
public struct AuditEntry: Sendable, Equatable {
    /// ISO 8601 instant.
    public var recorded: String
    /// Account id, integration client id, or `anonymous`.
    public var actor: String
    public var role: String?
    public var organization: String?
    /// Patient id whose compartment was touched, when known.
    public var patient: String?
    /// `read`, `vread`, `search`, `history`, `create`, `update`, `delete`, `transaction`, `break-glass`, …
    public var action: String
    /// `Type/id` or `Type?query`.
    public var target: String
    /// HTTP status of the answer.
    public var outcome: Int
    /// Client address.
    public var source: String?
    /// Stated reason (break-the-glass access).
    public var purpose: String?

    public init(recorded: String, actor: String, role: String? = nil, organization: String? = nil, patient: String? = nil,
                action: String, target: String, outcome: Int, source: String? = nil, purpose: String? = nil) {
        self.recorded = recorded
        self.actor = actor
        self.role = role
        self.organization = organization
        self.patient = patient
        self.action = action
        self.target = target
        self.outcome = outcome
        self.source = source
        self.purpose = purpose
    }

    /// The text the chain hash covers: every field, unit-separated, absent fields empty.
    var canonical: String {
        [recorded, actor, role ?? "", organization ?? "", patient ?? "", action, target, String(outcome), source ?? "", purpose ?? ""]
            .joined(separator: "\u{1F}")
    }
}
