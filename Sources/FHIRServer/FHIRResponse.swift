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

    static func error(_ error: FHIRError, pretty: Bool = false) -> Response {
        json(error.operationOutcome, status: HTTPResponse.Status(code: error.status), pretty: pretty)
    }

    /// ETag, Last-Modified and (for creates) Location of a stored version.
    static func versionHeaders(_ r: StoredResource, baseURL: String, location: Bool) -> HTTPFields {
        var h = HTTPFields()
        h[.eTag] = r.etag
        if let date = httpDate(r.lastUpdated) { h[.lastModified] = date }
        if location { h[.location] = "\(baseURL)/\(r.versionedReference)" }
        return h
    }

    /// RFC 7231 date from a FHIR instant.
    static func httpDate(_ instant: String) -> String? {
        guard let range = DateRange.parse(instant) else { return nil }
        let date = Date(timeIntervalSince1970: Double(range.lo) / 1000)
        return formatter.string(from: date)
    }

    nonisolated(unsafe) private static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f
    }()
}

extension HTTPField.Name {
    static let ifNoneExist = HTTPField.Name("If-None-Exist")!
    static let prefer = HTTPField.Name("Prefer")!
}
