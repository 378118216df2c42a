/// Percent-encoding of query strings on UTF-8 bytes. Foundation's CharacterSet-based versions were a tenth
/// of the CPU time of a search by identifier.
enum QueryEncoding {
    /// RFC 3986 query characters, less the ones that structure a query (`&`, `=`, `+`, `#`).
    private static let allowed: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(b)] = true }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(b)] = true }
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(b)] = true }
        for c in "-._~!$'()*,;:@/?".utf8 { table[Int(c)] = true }
        return table
    }()
    private static let hex = Array("0123456789ABCDEF".utf8)

    static func encode(_ s: String) -> String {
        if s.utf8.allSatisfy({ allowed[Int($0)] }) { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count + 16)
        for b in s.utf8 {
            if allowed[Int(b)] { out.append(b) } else {
                out.append(UInt8(ascii: "%")); out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes `%XX` (and `+` as a space when `plusIsSpace`). Malformed escapes or bytes that are not UTF-8
    /// leave the text as it was, like Foundation's `removingPercentEncoding ?? text`.
    static func decode(_ s: Substring, plusIsSpace: Bool) -> String {
        let bytes = Array(s.utf8)
        guard bytes.contains(UInt8(ascii: "%")) || (plusIsSpace && bytes.contains(UInt8(ascii: "+"))) else { return String(s) }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < bytes.count, let hi = value(bytes[i + 1]), let lo = value(bytes[i + 2]) else {
                    return plusIsSpace ? String(s).replacingPlus() : String(s)
                }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(plusIsSpace && b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
                i += 1
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else { return plusIsSpace ? String(s).replacingPlus() : String(s) }
        return text
    }
}

private extension String {
    func replacingPlus() -> String { String(map { $0 == "+" ? " " : $0 }) }
}
