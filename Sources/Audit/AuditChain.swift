import Crypto

/// The hash chain: each row's hash covers the previous row's hash and its own fields, so changing or removing
/// a row breaks every link after it.
enum AuditChain {
    /// The `prev_hash` of the first row.
    static let genesis = String(repeating: "0", count: 64)

    static func hash(previous: String, entry: AuditEntry) -> String {
        let digest = SHA256.hash(data: Array((previous + "\u{1E}" + entry.canonical).utf8))
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
