import Crypto

/// The hash chain: each row's hash covers the previous row's hash and its own fields, so changing or removing
/// a row breaks every link after it.
enum AuditChain {
    /// The `prev_hash` of the first row.
    static let genesis = String(repeating: "0", count: 64)

    static func hash(previous: String, entry: AuditEntry) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(previous.utf8))
        hasher.update(data: separator)
        hasher.update(data: Array(entry.canonical.utf8))
        return hex(hasher.finalize())
    }

    private static let separator: [UInt8] = Array("\u{1E}".utf8)
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case hex, written into one buffer: a string per byte and `joined()` was most of a flush's hashing.
    static func hex(_ digest: SHA256.Digest) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(SHA256.byteCount * 2)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
