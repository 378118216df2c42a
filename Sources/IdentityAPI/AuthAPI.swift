import FHIRJSON
import FHIRStore
import Foundation
import HTTPTypes
import Hummingbird
import Identity

/// OAuth2 endpoints (RFC 6749 token, RFC 7009 revocation), sign-out and the SMART on FHIR configuration.
///
/// `POST /auth/token` takes a form: `grant_type=password&username=…&password=…` or
/// `grant_type=refresh_token&refresh_token=…`. Errors are the OAuth2 JSON error object, not OperationOutcomes,
/// because that is what OAuth clients parse.
public struct AuthAPI: Sendable {
    public let tokens: TokenService
    /// Public base URL of the server (for the endpoints named in the SMART configuration); from Host when nil.
    public let publicBaseURL: String?

    public init(tokens: TokenService, publicBaseURL: String? = nil) {
        self.tokens = tokens
        self.publicBaseURL = publicBaseURL
    }

    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let api = self
        router.post("/auth/token") { request, _ in await api.token(request) }
        router.post("/auth/revoke") { request, _ in await api.revoke(request) }
        router.post("/auth/signout") { request, _ in await api.signOut(request) }
        router.get("/.well-known/smart-configuration") { request, _ in api.smartConfiguration(request) }
    }

    func token(_ request: Request) async -> Response {
        let form: [String: String]
        do { form = try await Self.form(request) } catch { return Self.oauthError(400, "invalid_request", error.description) }
        do {
            let pair: TokenPair
            switch form["grant_type"] {
            case "password":
                guard let username = form["username"], let password = form["password"] else {
                    return Self.oauthError(400, "invalid_request", "grant_type=password needs username and password")
                }
                pair = try await tokens.signIn(username: username, password: password)
            case "refresh_token":
                guard let refresh = form["refresh_token"] else { return Self.oauthError(400, "invalid_request", "refresh_token is missing") }
                pair = try await tokens.refresh(refresh)
            case "client_credentials":
                // client_secret_basic (RFC 6749 §2.3.1) or client_secret_post.
                guard let (id, secret) = Self.basicCredentials(request) ?? form["client_id"].flatMap({ id in form["client_secret"].map { (id, $0) } }) else {
                    return Self.oauthError(401, "invalid_client", "client_credentials needs client_id and client_secret (HTTP Basic or form)")
                }
                do { pair = try await tokens.clientCredentials(clientId: id, secret: secret, scope: form["scope"]) } catch IdentityError.invalidCredentials {
                    return Self.oauthError(401, "invalid_client", "Unknown client or wrong secret")
                }
            case let other:
                return Self.oauthError(400, "unsupported_grant_type", "grant_type \(other ?? "(none)") is not supported; use password, refresh_token or client_credentials")
            }
            var body: JSON = [
                "access_token": .string(pair.accessToken), "token_type": "Bearer", "expires_in": .number(String(pair.expiresIn)),
                "scope": .string(pair.scope),
            ]
            if !pair.refreshToken.isEmpty, case .object(var o) = body {
                o["refresh_token"] = .string(pair.refreshToken)
                body = .object(o)
            }
            return Self.json(body, status: .ok)
        } catch let error as IdentityError {
            return Self.oauthError(400, "invalid_grant", error.description)
        } catch {
            return Self.oauthError(500, "server_error", "The sign-in could not be completed")
        }
    }

    /// RFC 7009: always 200, whether or not the token was known.
    func revoke(_ request: Request) async -> Response {
        guard let form = try? await Self.form(request), let token = form["token"] else {
            return Self.oauthError(400, "invalid_request", "token is missing")
        }
        // An access token is a JWT (three dot-separated parts); a refresh token is an opaque random string.
        if token.split(separator: ".").count == 3 {
            try? await tokens.signOut(refreshToken: nil, accessToken: token)
        } else {
            try? await tokens.signOut(refreshToken: token, accessToken: nil)
        }
        return Response(status: .ok, headers: Self.noStore)
    }

    /// Ends a session: the bearer access token and the refresh token in the form stop working.
    func signOut(_ request: Request) async -> Response {
        let form = (try? await Self.form(request)) ?? [:]
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        do {
            try await tokens.signOut(refreshToken: form["refresh_token"], accessToken: bearer)
            return Response(status: .noContent, headers: Self.noStore)
        } catch {
            return Self.oauthError(401, "invalid_token", (error as? IdentityError)?.description ?? "The token is not valid")
        }
    }

    func smartConfiguration(_ request: Request) -> Response {
        let base = publicBaseURL ?? "http://\(request.head.authority ?? "localhost")"
        let body: JSON = [
            "token_endpoint": .string(base + "/auth/token"),
            "revocation_endpoint": .string(base + "/auth/revoke"),
            "grant_types_supported": ["password", "refresh_token", "client_credentials"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "fhirUser", "patient/*.read", "user/*.read", "user/*.write", "system/*.read", "system/*.write"],
            "response_types_supported": ["token"],
            "capabilities": ["permission-patient", "permission-user"],
        ]
        return Self.json(body, status: .ok)
    }

    /// `Authorization: Basic base64(client_id:client_secret)`.
    static func basicCredentials(_ request: Request) -> (String, String)? {
        guard let header = request.headers[.authorization], header.hasPrefix("Basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
              let colon = decoded.firstIndex(of: ":") else { return nil }
        let id = String(decoded[..<colon]).removingPercentEncoding ?? String(decoded[..<colon])
        let secret = String(decoded[decoded.index(after: colon)...]).removingPercentEncoding ?? String(decoded[decoded.index(after: colon)...])
        return (id, secret)
    }

    static let noStore: HTTPFields = [.cacheControl: "no-store", HTTPField.Name("Pragma")!: "no-cache"]

    static func json(_ body: JSON, status: HTTPResponse.Status) -> Response {
        var headers = noStore
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.serializedBytes())))
    }

    static func oauthError(_ status: Int, _ code: String, _ description: String) -> Response {
        json(["error": .string(code), "error_description": .string(description)], status: HTTPResponse.Status(code: status))
    }

    struct FormError: Error { var description: String }

    static func form(_ request: Request) async throws(FormError) -> [String: String] {
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else {
            throw FormError(description: "the body must be application/x-www-form-urlencoded")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: 64 * 1024) } catch { throw FormError(description: "the body is larger than 64 KB") }
        var out: [String: String] = [:]
        for (k, v) in SearchRequest.parseQuery(String(buffer: buffer), formEncoded: true) where out[k] == nil { out[k] = v }
        return out
    }
}
