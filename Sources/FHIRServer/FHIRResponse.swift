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
        if let date = httpDate(r.lastUpdated) { h[.lastModified] = date }
        return Response(status: .ok, headers: h, body: .init(byteBuffer: ByteBuffer(string: r.content)))
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

    /// RFC 7231 date from a FHIR instant (`Tue, 05 Mar 2024 10:00:00 GMT`). Computed by hand: a shared
    /// DateFormatter is not safe to use from many requests at once.
    static func httpDate(_ instant: String) -> String? {
        guard let range = DateRange.parse(instant) else { return nil }
        func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
        var seconds = floorDiv(Int(range.lo), 1000)
        let days = floorDiv(seconds, 86_400)
        seconds -= days * 86_400
        let (y, m, d) = civilDate(daysSinceEpoch: days)
        let weekday = ((days % 7) + 11) % 7   // 1970-01-01 was a Thursday (index 4): (0 + 4) mod 7
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(names[weekday]), \(two(d)) \(months[m - 1]) \(y) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)) GMT"
    }

    /// Gregorian (year, month, day) of a day count from 1970-01-01.
    static func civilDate(daysSinceEpoch: Int) -> (Int, Int, Int) {
        let (y, m, d) = CivilDate.fromDays(Int64(daysSinceEpoch))
        return (Int(y), Int(m), Int(d))
    }
}

extension HTTPField.Name {
    static let ifNoneExist = HTTPField.Name("If-None-Exist")!
    static let prefer = HTTPField.Name("Prefer")!
}
