import FHIRStore
import Synchronization

/// The access scopes of tokens seen before, by token id (`jti`). A token's claims never change, and its scope is
/// made from its claims alone (the patients it reaches are SQL evaluated by each query), so it can be reused for
/// the token's lifetime; expiry and revocation are checked before the scope is asked for. Forgets everything when
/// full, so it stays small whatever the traffic.
final class KnownScopes: Sendable {
    private let state = Mutex<[String: AccessScope]>([:])
    let capacity: Int

    init(capacity: Int = 10_000) { self.capacity = capacity }

    func scope(_ tokenId: String) -> AccessScope? {
        state.withLock { $0[tokenId] }
    }

    func remember(_ tokenId: String, _ scope: AccessScope) {
        state.withLock { scopes in
            if scopes.count >= capacity { scopes.removeAll(keepingCapacity: true) }
            scopes[tokenId] = scope
        }
    }
}
