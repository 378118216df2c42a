import FHIRStore
import HTTPTypes
import Hummingbird
import Synchronization

/// Token buckets per caller: each caller may make `rate` requests per second on average and `burst` at once.
/// A caller is its bearer token (so one person's tokens share nothing with another's), else its forwarded
/// address, else the shared anonymous bucket — which slows password guessing at `/auth/token` as a whole.
public final class RateLimiter: Sendable {
    public let rate: Double
    public let burst: Double
    private struct Bucket { var tokens: Double; var updated: ContinuousClock.Instant }
    private let buckets = Mutex<[String: Bucket]>([:])
    private let clock = ContinuousClock()
    /// Above this many callers, full idle buckets are dropped, so memory stays bounded.
    private let pruneAbove = 10_000

    /// - Parameters:
    ///   - rate: requests per second; 0 or less disables limiting.
    ///   - burst: bucket size; defaults to twice the rate.
    public init(rate: Double, burst: Double? = nil) {
        self.rate = rate
        self.burst = burst ?? max(1, rate * 2)
    }

    /// Takes one request from `key`'s bucket; nil when allowed, else the seconds until the next one is.
    public func take(_ key: String) -> Double? {
        guard rate > 0 else { return nil }
        let now = clock.now
        return buckets.withLock { all -> Double? in
            if all.count > pruneAbove { prune(&all, now: now) }
            var bucket = all[key] ?? Bucket(tokens: burst, updated: now)
            let elapsed = Double((now - bucket.updated).components.attoseconds) / 1e18 + Double((now - bucket.updated).components.seconds)
            bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
            bucket.updated = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                all[key] = bucket
                return nil
            }
            all[key] = bucket
            return (1 - bucket.tokens) / rate
        }
    }

    private func prune(_ all: inout [String: Bucket], now: ContinuousClock.Instant) {
        let full = burst / rate
        all = all.filter { _, b in (now - b.updated) < .seconds(full) }
    }

    /// The caller of a request.
    static func key(_ request: Request) -> String {
        if let auth = request.headers[.authorization] {
            // The end of a JWT is its signature: unique per token, and no usable token is kept in memory.
            return "t:" + auth.suffix(32)
        }
        if let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] {
            return "a:" + (forwarded.split(separator: ",").first.map(String.init) ?? forwarded)
        }
        return "anonymous"
    }
}

/// Answers 429 with an OperationOutcome and `Retry-After` when the caller's bucket is empty.
struct RateLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let wait = limiter.take(RateLimiter.key(request)) else { return try await next(request, context) }
        var response = FHIRResponse.error(FHIRError(429, "throttled", "Too many requests: at most \(Int(limiter.rate)) per second; retry in \(Int(wait.rounded(.up))) s"))
        response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
        return response
    }
}
