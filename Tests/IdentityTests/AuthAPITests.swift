import DatabaseTesting
import FHIRJSON
import FHIRStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Identity
import IdentityAPI
import Testing

/// The OAuth2 endpoints over HTTP.
@Suite struct AuthAPITests {
    @Test(arguments: TestDatabase.available)
    func passwordGrantRefreshAndRevocation(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let (accounts, tokens) = try await TokenServiceTests.services(repo)
            _ = try await accounts.add(NewAccount(username: "aigerim", password: "correct horse", role: .citizen, iin: TokenServiceTests.citizenIIN))
            let router = Router()
            AuthAPI(tokens: tokens).addRoutes(to: router)
            let app = Application(router: router)
            try await app.test(.router) { client in
                let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                let bad = try await client.execute(uri: "/auth/token", method: .post, headers: form,
                                                   body: ByteBuffer(string: "grant_type=password&username=aigerim&password=wrong"))
                #expect(bad.status == .badRequest)
                #expect(Self.json(bad)["error"]?.stringValue == "invalid_grant")
                #expect(bad.headers[.cacheControl] == "no-store")

                let ok = try await client.execute(uri: "/auth/token", method: .post, headers: form,
                                                  body: ByteBuffer(string: "grant_type=password&username=aigerim&password=correct+horse"))
                #expect(ok.status == .ok)
                let body = Self.json(ok)
                #expect(body["token_type"]?.stringValue == "Bearer" && body["scope"]?.stringValue?.contains("patient/*.read") == true)
                let access = try #require(body["access_token"]?.stringValue)
                let refresh = try #require(body["refresh_token"]?.stringValue)
                #expect(try await tokens.verify(access).iin == TokenServiceTests.citizenIIN)

                let unsupported = try await client.execute(uri: "/auth/token", method: .post, headers: form, body: ByteBuffer(string: "grant_type=implicit"))
                #expect(Self.json(unsupported)["error"]?.stringValue == "unsupported_grant_type")
                let notForm = try await client.execute(uri: "/auth/token", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}"))
                #expect(Self.json(notForm)["error"]?.stringValue == "invalid_request")

                let revoked = try await client.execute(uri: "/auth/revoke", method: .post, headers: form, body: ByteBuffer(string: "token=\(refresh)"))
                #expect(revoked.status == .ok)
                let reuse = try await client.execute(uri: "/auth/token", method: .post, headers: form,
                                                     body: ByteBuffer(string: "grant_type=refresh_token&refresh_token=\(refresh)"))
                #expect(Self.json(reuse)["error"]?.stringValue == "invalid_grant")
                // RFC 7009 for an access token too: it stops working at once.
                #expect(try await client.execute(uri: "/auth/revoke", method: .post, headers: form, body: ByteBuffer(string: "token=\(access)")).status == .ok)
                await #expect(throws: IdentityError.self) { try await tokens.verify(access) }

                // client_credentials with HTTP Basic and with the form
                let (mis, secret) = try await ClientStore(database: repo.database).add(name: "MIS", organization: "org-1", scopes: ["system/*.read"])
                let basic = Data("\(mis.id):\(secret)".utf8).base64EncodedString()
                var basicHeaders = form
                basicHeaders[.authorization] = "Basic \(basic)"
                let viaBasic = try await client.execute(uri: "/auth/token", method: .post, headers: basicHeaders, body: ByteBuffer(string: "grant_type=client_credentials"))
                #expect(viaBasic.status == .ok && Self.json(viaBasic)["scope"]?.stringValue == "system/*.read")
                #expect(Self.json(viaBasic)["refresh_token"] == nil)
                let viaForm = try await client.execute(uri: "/auth/token", method: .post, headers: form,
                                                       body: ByteBuffer(string: "grant_type=client_credentials&client_id=\(mis.id)&client_secret=wrong"))
                #expect(viaForm.status == .unauthorized && Self.json(viaForm)["error"]?.stringValue == "invalid_client")

                let smart = try await client.execute(uri: "/.well-known/smart-configuration", method: .get)
                #expect(Self.json(smart)["token_endpoint"]?.stringValue?.hasSuffix("/auth/token") == true)
            }
        }
    }

    static func json(_ r: TestResponse) -> JSON { (try? JSONParser.parse(Array(r.body.readableBytesView))) ?? .null }
}
