import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// A minimal browser over the test client: keeps the cookies the server sets and sends them back, reads the
/// form token out of a page, and posts forms — what a person's browser does, without JavaScript.
struct WebBrowser {
    var cookies: [String: String] = [:]
    var language: String?

    struct Page {
        var status: Int
        var html: String
        var location: String?
        /// The value of the first `form_token` field on the page.
        var formToken: String? {
            guard let range = html.range(of: #"name="form_token" value=""#) else { return nil }
            return html[range.upperBound...].split(separator: "\"").first.map(String.init)
        }
        func contains(_ text: String) -> Bool { html.contains(text) }
    }

    mutating func get(_ client: some TestClientProtocol, _ uri: String) async throws -> Page {
        try await send(client, uri, method: .get, body: nil)
    }

    mutating func post(_ client: some TestClientProtocol, _ uri: String, _ form: [String: String]) async throws -> Page {
        let body = form.map { key, value in
            "\(key)=\(value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value)"
        }.joined(separator: "&")
        return try await send(client, uri, method: .post, body: body)
    }

    fileprivate mutating func send(_ client: some TestClientProtocol, _ uri: String, method: HTTPRequest.Method, body: String?) async throws -> Page {
        var headers: HTTPFields = [:]
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if let language { headers[.acceptLanguage] = language }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";").first ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { continue }
            if field.value.contains("Max-Age=0") { cookies[parts[0]] = nil } else { cookies[parts[0]] = parts[1] }
        }
        return Page(status: Int(response.status.code), html: String(buffer: response.body), location: response.headers[.location])
    }

    /// Signs in through the sign-in form.
    mutating func signIn(_ client: some TestClientProtocol, _ username: String, _ password: String, next: String = "/") async throws -> Page {
        let form = try await get(client, "/sign-in")
        return try await post(client, "/sign-in", ["form_token": form.formToken ?? "", "username": username, "password": password, "next": next])
    }
}

extension WebBrowser {
    /// Posts a form whose fields may repeat (checkboxes).
    mutating func post(_ client: some TestClientProtocol, _ uri: String, fields: [(String, String)]) async throws -> Page {
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.1)" }.joined(separator: "&")
        return try await send(client, uri, method: .post, body: body)
    }
}
