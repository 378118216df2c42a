/// A person's account. The password hash never leaves `AccountStore`.
public struct Account: Sendable, Equatable {
    public var id: String
    public var username: String
    public var role: Role
    /// `Organization` id of the medical organisation or pharmacy (clinician, pharmacist, organisation admin).
    public var organization: String?
    /// `Practitioner` id of a clinician or pharmacist.
    public var practitioner: String?
    /// ИИН of a citizen.
    public var iin: String?
    /// Region code of an epidemiologist (or an akimat analyst).
    public var region: String?
    public var disabled: Bool
}

/// What `AccountStore.add` needs for a new account.
public struct NewAccount: Sendable {
    public var username: String
    public var password: String
    public var role: Role
    public var organization: String?
    public var practitioner: String?
    public var iin: String?
    public var region: String?

    public init(username: String, password: String, role: Role, organization: String? = nil, practitioner: String? = nil,
                iin: String? = nil, region: String? = nil) {
        self.username = username
        self.password = password
        self.role = role
        self.organization = organization
        self.practitioner = practitioner
        self.iin = iin
        self.region = region
    }
}
