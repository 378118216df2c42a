import Foundation
import Synchronization

/// Access tokens whose signature has been checked, by their text. A client sends the same token with every
/// request for its whole lifetime; checking the HMAC and decoding the claims each time was about a tenth of the
/// cost of a read by id. Expiry is still checked on every use and revocation by the caller; the cache forgets
/// everything when full, so it stays small whatever the traffic.
final class VerifiedTokens: Sendable {
    private let state = Mutex<[String: AccessToken]>([:])
    let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// The claims of `token` if it was verified before and has not expired.
    func claims(_ token: String, now: Date = Date()) -> AccessToken? {
        guard let claims = state.withLock({ $0[token] }), claims.exp.value > now else { return nil }
        return claims
    }

    func remember(_ token: String, _ claims: AccessToken) {
        state.withLock { tokens in
            if tokens.count >= capacity { tokens.removeAll(keepingCapacity: true) }
            tokens[token] = claims
        }
    }
}
