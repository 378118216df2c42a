import Foundation

/// Server-assigned resource ids: UUIDs of version 7 (RFC 9562), whose first 48 bits are the creation time in
/// milliseconds. New ids therefore land at the end of the `(type, id)` indexes of `resources` and
/// `resource_history` instead of on random pages: with millions of resources a random UUID made every insert
/// touch an index page that was rarely in memory. The rest is random, so ids stay unguessable; the time they
/// reveal is the one `meta.lastUpdated` of the first version shows anyway.
enum ResourceId {
    static func make(now: Date = Date()) -> String {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, now.timeIntervalSince1970 * 1000))
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: millis >> (40 - 8 * UInt64(i))) }
        for i in 6..<8 { b[i] = UInt8(truncatingIfNeeded: high >> (8 * UInt64(i))) }
        for i in 8..<16 { b[i] = UInt8(truncatingIfNeeded: low >> (8 * UInt64(i - 8))) }
        b[6] = 0x70 | (b[6] & 0x0F)   // version 7
        b[8] = 0x80 | (b[8] & 0x3F)   // RFC 9562 variant
        let uuid = UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
        return uuid.uuidString.lowercased()
    }
}
