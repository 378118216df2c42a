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

    /// Seconds since 1970 of an RFC 7231 date (`Tue, 05 Mar 2024 10:00:00 GMT`, the form `httpDate` writes and HTTP
    /// clients send); nil for anything else.
    static func parseHTTPDate(_ text: String) -> Int64? {
        let fields = text.split(separator: " ")
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard fields.count == 6, fields[5] == "GMT", let day = Int64(fields[1]), let month = months.firstIndex(of: String(fields[2])),
              let year = Int64(fields[3]), (1...31).contains(day) else { return nil }
        let time = fields[4].split(separator: ":").compactMap { Int64($0) }
        guard time.count == 3, (0..<24).contains(time[0]), (0..<60).contains(time[1]), (0...60).contains(time[2]) else { return nil }
        return CivilDate.days(year: year, month: Int64(month + 1), day: day) * 86_400 + time[0] * 3600 + time[1] * 60 + time[2]
    }

    /// Whether a conditional read's validators say the client's copy is current: `If-None-Match` names the version's
    /// ETag (or `*`), or — only without `If-None-Match`, as RFC 7232 orders — the version is not newer than
    /// `If-Modified-Since` (to the second, the precision of HTTP dates).
    static func notModified(ifNoneMatch: String?, ifModifiedSince: String?, _ r: StoredResource) -> Bool {
        if let ifNoneMatch {
            return ifNoneMatch.split(separator: ",").contains { tag in
                let t = tag.trimmingCharacters(in: .whitespaces)
                return t == "*" || t == r.etag || (t.hasPrefix("W/") ? String(t.dropFirst(2)) : "W/" + t) == r.etag
            }
        }
        guard let since = ifModifiedSince.flatMap(parseHTTPDate), let modified = DateRange.parse(r.lastUpdated)?.lo else { return false }
        return modified / 1000 <= since
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
