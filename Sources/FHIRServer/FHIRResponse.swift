import FHIRJSON
import FHIRStore
import Foundation
import HTTPTypes
import Hummingbird

/// Builds FHIR JSON responses.
enum FHIRResponse {
    static let contentType = "application/fhir+json; charset=utf-8"

    static func json(_ body: JSON, status: HTTPResponse.Status = .ok, pretty: Bool = false, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentType] = contentType
        let bytes = body.serializedBytes(pretty: pretty)
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Already serialized FHIR JSON.
    static func bytes(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A stored resource's JSON text as it is, with its version headers.
    static func stored(_ r: StoredText) -> Response {
        var h = HTTPFields()
        h[.contentType] = contentType
        h[.eTag] = r.etag
        if let date = HTTPDate.format(r.lastUpdated) { h[.lastModified] = date }
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(string: r.content)))
    }

    static func error(_ error: FHIRError, pretty: Bool = false) -> Response {
        json(error.operationOutcome, status: HTTPResponse.Status(code: error.status), pretty: pretty)
    }

    /// ETag, Last-Modified and (for creates) Location of a stored version.
    static func versionHeaders(_ r: StoredResource, baseURL: String, location: Bool) -> HTTPFields {
        var h = HTTPFields()
        h[.eTag] = r.etag
        if let date = HTTPDate.format(r.lastUpdated) { h[.lastModified] = date }
        if location { h[.location] = "\(baseURL)/\(r.versionedReference)" }
        return h
    }
}

extension HTTPField.Name {
    static let ifNoneExist = HTTPField.Name("If-None-Exist")!
    static let prefer = HTTPField.Name("Prefer")!
}
