import DatabaseTesting
import FHIRJSON
import FHIRServer
import FHIRStore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct RateLimitTests {
    @Test func bucketsAreSeparatePerCallerAndRefill() async throws {
        let limiter = RateLimiter(rate: 20, burst: 3)
        #expect((0..<3).allSatisfy { _ in limiter.take("a") == nil })
        let wait = try #require(limiter.take("a"))
        #expect(wait > 0 && wait <= 0.05 + 1e-9)
        #expect(limiter.take("b") == nil)
        try await Task.sleep(for: .milliseconds(120))   // 20 per second: two more after 0.1 s
        #expect(limiter.take("a") == nil)
        #expect(RateLimiter(rate: 0).take("a") == nil)  // 0: off
    }

    @Test func overTheLimitIsA429WithRetryAfterAndSecurityHeaders() async throws {
        try await TestDatabase.sqlite.withRepository { repo in
            let app = Application(router: ServerApplication.router(repository: repo, rateLimiter: RateLimiter(rate: 0.02, burst: 2)))
            try await app.test(.router) { client in
                let alice: HTTPFields = [.authorization: "Bearer token-of-alice-0123456789abcdefghijklmnopqrstuv"]
                let first = try await client.execute(uri: "/fhir/Patient", method: .get, headers: alice)
                #expect(first.status == .ok)
                #expect(first.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(first.headers[.xContentTypeOptions] == "nosniff")
                #expect(try await client.execute(uri: "/fhir/Patient", method: .get, headers: alice).status == .ok)
                let third = try await client.execute(uri: "/fhir/Patient", method: .get, headers: alice)
                #expect(third.status == .tooManyRequests)
                // One request per 50 s: slow enough that a loaded machine does not refill the bucket mid-test.
                #expect(third.headers[.retryAfter].flatMap(Int.init).map { (1...50).contains($0) } == true)
                #expect(HTTPTests.body(third)["issue"]?[0]?["code"]?.stringValue == "throttled")
                // Another caller is not slowed by Alice.
                let bob: HTTPFields = [.authorization: "Bearer token-of-bob-0123456789abcdefghijklmnopqrstuvwxy"]
                #expect(try await client.execute(uri: "/fhir/Patient", method: .get, headers: bob).status == .ok)
            }
        }
    }
}
