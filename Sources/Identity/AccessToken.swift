import JWTKit

/// The claims of a Densauluq access token (a JWT signed with HS256). Besides the registered claims it carries
/// what access decisions need without a database round trip: role, organisation, ИИН, region and scopes.
public struct AccessToken: JWTPayload, Equatable {
    public var iss: IssuerClaim
    public var sub: SubjectClaim
    public var exp: ExpirationClaim
    public var iat: IssuedAtClaim
    /// Unique id, so that one token can be revoked at sign-out.
    public var jti: IDClaim
    public var role: String
    public var org: String?
    public var practitioner: String?
    public var iin: String?
    public var region: String?
    /// Space-separated SMART on FHIR scopes.
    public var scope: String
    /// The account's username, for showing who is signed in (nil for integration clients).
    public var name: String? = nil

    public static let issuer = "densauluq"
    /// The `role` claim of integration clients (client-credentials tokens); not an account role.
    public static let systemRole = "system"

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard iss.value == Self.issuer else { throw JWTError.claimVerificationFailure(failedClaim: iss, reason: "unknown issuer") }
    }

    /// The account's role; nil for integration clients (`role == "system"`).
    public var accountRole: Role? { Role(rawValue: role) }
}
