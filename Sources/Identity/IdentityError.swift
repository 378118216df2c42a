/// Why an identity operation was refused. The descriptions are safe to show: a failed sign-in does not say
/// whether the user name or the password was wrong.
public enum IdentityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Unknown user name or wrong password.
    case invalidCredentials
    /// Too many failed sign-ins; retry after the given instant (ISO 8601).
    case locked(until: String)
    case disabled
    /// A token that is malformed, tampered with, expired or revoked.
    case invalidToken(String)
    /// A new account's details are not acceptable; each problem is listed.
    case invalidAccount([String])
    case usernameTaken(String)
    case unknownUser(String)

    public var description: String {
        switch self {
        case .invalidCredentials: "The user name or password is wrong"
        case .locked(let until): "Too many failed sign-ins: the account is locked until \(until)"
        case .disabled: "The account is disabled"
        case .invalidToken(let why): "The token is not valid: \(why)"
        case .invalidAccount(let problems): problems.joined(separator: "; ")
        case .usernameTaken(let name): "The user name \(name) is taken"
        case .unknownUser(let name): "There is no user \(name)"
        }
    }
}
