/// What a successful sign-in or refresh returns (the OAuth2 token response).
public struct TokenPair: Sendable, Equatable {
    public var accessToken: String
    /// Seconds until the access token expires.
    public var expiresIn: Int
    /// Empty for the client-credentials grant, which has no refresh token.
    public var refreshToken: String
    public var scope: String
    /// The signed-in account; nil for an integration client.
    public var account: Account?
}
