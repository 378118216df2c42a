import FHIRStore
import Foundation
import Synchronization

/// The ids (`jti`) of access tokens revoked before they expire, kept in memory and re-read from `revoked_tokens`
/// at most every `maxAge`, so that checking a token costs no database round trip. A revocation made by this
/// process counts at once; one made by another server process counts within `maxAge`.
final class RevocationList: Sendable {
    private struct State {
        var revoked: Set<String> = []
        var loadedAt: ContinuousClock.Instant?
        var loading = false
        /// Revocations made here in the last minute, kept across reloads: a reload that read the table just
        /// before such a revocation committed must not forget it.
        var recent: [(jti: String, at: ContinuousClock.Instant)] = []
    }
    private let state = Mutex(State())
    private let database: Database
    private let maxAge: Duration
    private let clock = ContinuousClock()

    init(database: Database, maxAge: Duration = .seconds(1)) {
        self.database = database
        self.maxAge = maxAge
    }

    /// Whether `jti` is revoked; re-reads the table when the copy is older than `maxAge` (one caller does it,
    /// the others use the copy meanwhile; the first load is awaited by everyone).
    func isRevoked(_ jti: String) async throws -> Bool {
        let now = clock.now
        let (stale, first) = state.withLock { s -> (Bool, Bool) in
            let stale = s.loadedAt.map { now - $0 > maxAge } ?? true
            if stale && (!s.loading || s.loadedAt == nil) {
                s.loading = true
                return (true, s.loadedAt == nil)
            }
            return (false, false)
        }
        if stale {
            do {
                let now = Instant.now().iso
                let ids = try await database.read { db in
                    try await db.raw("SELECT jti FROM revoked_tokens WHERE expires_at >= \(bind: now)").all().map { try $0.decode(column: "jti", as: String.self) }
                }
                state.withLock { s in
                    let now = clock.now
                    s.recent.removeAll { now - $0.at > .seconds(60) }
                    s.revoked = Set(ids).union(s.recent.map(\.jti))
                    s.loadedAt = clock.now
                    s.loading = false
                }
            } catch {
                state.withLock { $0.loading = false }
                if first { throw error }
            }
        }
        return state.withLock { $0.revoked.contains(jti) }
    }

    /// Records a revocation made by this process.
    func add(_ jti: String) {
        let now = clock.now
        state.withLock { s in
            s.revoked.insert(jti)
            s.recent.append((jti, now))
        }
    }
}
