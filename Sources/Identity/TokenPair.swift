/// What a successful sign-in or refresh returns (the OAuth2 token response).
public struct TokenPair: Sendable, Equatable {
    public var accessToken: String
    /// Seconds until the access token expires.
    public var expiresIn: Int
    public var refreshToken: String
    public var scope: String
    public var account: Account
}
