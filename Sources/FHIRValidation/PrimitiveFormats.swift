/// The lexical rules of the FHIR primitive types, checked by hand-written scanners over UTF-8 bytes.
///
/// These run for every primitive value of every resource written, so they avoid regular expressions,
/// allocation and `Character` processing. Each mirrors the regular expression that the R4 JSON schema
/// gives for the type, with the schema's known slips corrected (the schema's `unsignedInt` pattern
/// `^[0]|([1-9][0-9]*)$` lacks a group, and the schema cannot say that a date must exist in the calendar).

/// How a primitive value's text is checked.
enum PrimitiveFormat: Sendable, Equatable {
    /// `true`/`false` (only the JSON kind is checked).
    case boolean
    /// 32-bit signed whole number.
    case integer
    /// 1 to 2147483647.
    case positiveInt
    /// 0 to 2147483647.
    case unsignedInt
    /// A JSON number literal.
    case decimal
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real date.
    case date
    /// A date, or a full date and time with zone.
    case dateTime
    /// A full date and time with seconds and zone.
    case instant
    /// `hh:mm:ss[.f+]`.
    case time
    /// 1–64 of `A-Za-z0-9-.`.
    case id
    /// No leading, trailing or doubled whitespace.
    case code
    /// `uri`, `url` and `canonical`: no whitespace.
    case uri
    /// `urn:oid:` and a dotted OID.
    case oid
    /// `urn:uuid:` and a lower-case UUID.
    case uuid
    /// Base64 text.
    case base64Binary
    /// `string` and `markdown`.
    case string
    /// A narrative `<div>`.
    case xhtml
    /// A primitive with a schema pattern that has no hand-written checker: the index of its compiled
    /// regular expression in ``CompiledSchema/patterns``.
    case pattern(Int)
    /// A primitive with no pattern: only the JSON kind is checked (and that strings are not empty).
    case unchecked

    /// The JSON kind the value must have.
    enum JSONKind: Sendable {
        /// A JSON string.
        case string
        /// A JSON number.
        case number
        /// JSON `true` or `false`.
        case boolean
    }

    /// The format for the R4 primitive `name`, or nil when there is no hand-written checker.
    static func builtIn(_ name: String) -> PrimitiveFormat? {
        switch name {
        case "boolean": .boolean
        case "integer": .integer
        case "positiveInt": .positiveInt
        case "unsignedInt": .unsignedInt
        case "decimal": .decimal
        case "date": .date
        case "dateTime": .dateTime
        case "instant": .instant
        case "time": .time
        case "id": .id
        case "code": .code
        case "uri", "url", "canonical": .uri
        case "oid": .oid
        case "uuid": .uuid
        case "base64Binary": .base64Binary
        case "string", "markdown": .string
        case "xhtml": .xhtml
        default: nil
        }
    }

    /// What a valid value looks like, for messages.
    func expectation(typeName: String) -> String {
        switch self {
        case .boolean: "true or false"
        case .integer: "a whole number between -2147483648 and 2147483647 without fraction or exponent"
        case .positiveInt: "a whole number between 1 and 2147483647"
        case .unsignedInt: "a whole number between 0 and 2147483647"
        case .decimal: "a decimal number"
        case .date: "a date YYYY, YYYY-MM or YYYY-MM-DD"
        case .dateTime: "YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.fff] with a time zone (Z or +hh:mm)"
        case .instant: "YYYY-MM-DDThh:mm:ss[.fff] with a time zone (Z or +hh:mm)"
        case .time: "a time hh:mm:ss[.fff]"
        case .id: "1 to 64 characters A-Z, a-z, 0-9, '-' and '.'"
        case .code: "a non-empty code without leading, trailing or repeated whitespace"
        case .uri: "a non-empty \(typeName) without whitespace"
        case .oid: "urn:oid: followed by a dotted OID such as urn:oid:1.2.3"
        case .uuid: "urn:uuid: followed by a lower-case UUID"
        case .base64Binary: "base64 text (A-Z, a-z, 0-9, '+', '/', '=' padding, length a multiple of 4)"
        case .string: "a non-empty string that is not only whitespace and has no control characters other than tab, CR and LF"
        case .xhtml: "an XHTML <div> element"
        case .pattern: "text matching the \(typeName) pattern"
        case .unchecked: "a non-empty \(typeName)"
        }
    }
}

/// Why a primitive value's text was rejected.
enum FormatFailure: Sendable, Equatable {
    /// The text does not have the form of the type.
    case malformed
    /// A date that has the right form but does not exist (2023-02-30).
    case notACalendarDate
    /// A number outside the range of the type.
    case outOfRange
}

/// The hand-written checkers. All take the UTF-8 bytes of the value.
enum FormatCheck {
    /// Runs `body` over the UTF-8 bytes of `s` without copying when the string is stored contiguously.
    @inline(__always)
    static func withBytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = s.utf8.withContiguousStorageIfAvailable(body) { return r }
        return Array(s.utf8).withUnsafeBufferPointer(body)
    }

    /// Checks `b` against `format`; nil when valid. `.pattern` and `.unchecked` are not handled here.
    static func check(_ format: PrimitiveFormat, _ b: UnsafeBufferPointer<UInt8>) -> FormatFailure? {
        switch format {
        case .boolean: return nil  // Checked by JSON kind.
        case .integer: return integer(b, minimum: -2_147_483_648)
        case .positiveInt: return integer(b, minimum: 1)
        case .unsignedInt: return integer(b, minimum: 0)
        case .decimal: return decimal(b) ? nil : .malformed
        case .date: return date(b)
        case .dateTime: return dateTime(b, requireTime: false)
        case .instant: return dateTime(b, requireTime: true)
        case .time:
            let end = time(b, 0)
            return end > 0 && end == b.count ? nil : .malformed
        case .id: return id(b) ? nil : .malformed
        case .code: return code(b) ? nil : .malformed
        case .uri: return uri(b) ? nil : .malformed
        case .oid: return oid(b) ? nil : .malformed
        case .uuid: return uuid(b) ? nil : .malformed
        case .base64Binary: return base64(b) ? nil : .malformed
        case .string: return string(b) ? nil : .malformed
        case .xhtml: return xhtml(b) ? nil : .malformed
        case .pattern, .unchecked: return b.isEmpty ? .malformed : nil
        }
    }

    // MARK: - Bytes

    /// Whether `c` is an ASCII digit.
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// ASCII whitespace as regular expressions' `\s` sees it.
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || (c >= 0x09 && c <= 0x0D)
    }

    /// The two-digit number at `i`, or -1.
    @inline(__always) static func twoDigits(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        guard i + 1 < b.count, isDigit(b[i]), isDigit(b[i + 1]) else { return -1 }
        return Int(b[i] &- 0x30) * 10 + Int(b[i + 1] &- 0x30)
    }

    // MARK: - Numbers

    /// `-?(0|[1-9][0-9]*)` with a value from `minimum` to 2147483647.
    static func integer(_ b: UnsafeBufferPointer<UInt8>, minimum: Int) -> FormatFailure? {
        var i = 0
        var negative = false
        if i < b.count, b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < b.count else { return .malformed }
        if b[i] == UInt8(ascii: "0"), b.count > i + 1 { return .malformed }
        var value = 0
        var overflow = false
        while i < b.count {
            guard isDigit(b[i]) else { return .malformed }
            if !overflow {
                value = value * 10 + Int(b[i] &- 0x30)
                if value > 2_147_483_648 { overflow = true }
            }
            i += 1
        }
        if overflow { return .outOfRange }
        if negative { value = -value }
        return value < minimum || value > 2_147_483_647 ? .outOfRange : nil
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    static func decimal(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        if i < n, b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, isDigit(b[i]) else { return false }
        if b[i] == UInt8(ascii: "0") { i += 1 } else { while i < n, isDigit(b[i]) { i += 1 } }
        if i < n, b[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n, isDigit(b[i]) else { return false }
            while i < n, isDigit(b[i]) { i += 1 }
        }
        if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, isDigit(b[i]) else { return false }
            while i < n, isDigit(b[i]) { i += 1 }
        }
        return i == n
    }

    // MARK: - Dates and times

    /// Whether `year` is a Gregorian leap year.
    @inline(__always) static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Days in `month` (1–12) of `year`.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Checks the date part `YYYY[-MM[-DD]]` in `b[0..<length]`; length is 4, 7 or 10.
    static func datePart(_ b: UnsafeBufferPointer<UInt8>, length: Int) -> FormatFailure? {
        guard length == 4 || length == 7 || length == 10, b.count >= length else { return .malformed }
        let hi = twoDigits(b, 0), lo = twoDigits(b, 2)
        guard hi >= 0, lo >= 0 else { return .malformed }
        let year = hi * 100 + lo
        guard year > 0 else { return .malformed }
        if length == 4 { return nil }
        guard b[4] == UInt8(ascii: "-") else { return .malformed }
        let month = twoDigits(b, 5)
        guard month >= 1, month <= 12 else { return .malformed }
        if length == 7 { return nil }
        guard b[7] == UInt8(ascii: "-") else { return .malformed }
        let day = twoDigits(b, 8)
        guard day >= 1, day <= 31 else { return .malformed }
        return day <= daysIn(month: month, year: year) ? nil : .notACalendarDate
    }

    /// `date`: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a real calendar date.
    static func date(_ b: UnsafeBufferPointer<UInt8>) -> FormatFailure? {
        datePart(b, length: b.count)
    }

    /// `dateTime` (or `instant` when `requireTime`): a date, or a full date with `Thh:mm:ss[.f+]` and a zone.
    static func dateTime(_ b: UnsafeBufferPointer<UInt8>, requireTime: Bool) -> FormatFailure? {
        let n = b.count
        if !requireTime, n == 4 || n == 7 || n == 10 { return datePart(b, length: n) }
        guard n >= 20, b[10] == UInt8(ascii: "T") else { return .malformed }
        // Check the form of the time and zone first, so a malformed value is reported as such.
        var i = time(b, 11)
        guard i > 11, i < n else { return .malformed }
        if b[i] == UInt8(ascii: "Z") {
            i += 1
        } else {
            guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return .malformed }
            let hh = twoDigits(b, i + 1), mm = twoDigits(b, i + 4)
            guard hh >= 0, mm >= 0, b[i + 3] == UInt8(ascii: ":"), mm <= 59, hh <= 13 || (hh == 14 && mm == 0)
            else { return .malformed }
            i += 6
        }
        guard i == n else { return .malformed }
        return datePart(b, length: 10)
    }

    /// Scans `hh:mm:ss[.f+]` at `start`; returns the index after it, or `start` when it is not there.
    static func time(_ b: UnsafeBufferPointer<UInt8>, _ start: Int) -> Int {
        let hh = twoDigits(b, start), mm = twoDigits(b, start + 3), ss = twoDigits(b, start + 6)
        guard hh >= 0, hh <= 23, mm >= 0, mm <= 59, ss >= 0, ss <= 60,
              b[start + 2] == UInt8(ascii: ":"), b[start + 5] == UInt8(ascii: ":") else { return start }
        var i = start + 8
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard i < b.count, isDigit(b[i]) else { return start }
            while i < b.count, isDigit(b[i]) { i += 1 }
        }
        return i
    }

    // MARK: - Text

    /// `[A-Za-z0-9\-\.]{1,64}`
    static func id(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !b.isEmpty, b.count <= 64 else { return false }
        for c in b {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."):
                continue
            default:
                return false
            }
        }
        return true
    }

    /// `[^\s]+(\s[^\s]+)*`: not empty, no leading, trailing or doubled whitespace.
    static func code(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = b.first, let last = b.last, !isSpace(first), !isSpace(last) else { return false }
        var previousSpace = false
        for c in b {
            let space = isSpace(c)
            if space && previousSpace { return false }
            previousSpace = space
        }
        return true
    }

    /// `\S+`: not empty, no whitespace.
    static func uri(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard !b.isEmpty else { return false }
        for c in b where isSpace(c) { return false }
        return true
    }

    /// Whether `b` starts with the ASCII `prefix`.
    static func hasPrefix(_ b: UnsafeBufferPointer<UInt8>, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard b.count >= n else { return false }
        let p = prefix.utf8Start
        for i in 0..<n where b[i] != p[i] { return false }
        return true
    }

    /// `urn:oid:[0-2](\.(0|[1-9][0-9]*))+`
    static func oid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard hasPrefix(b, "urn:oid:"), b.count >= 10 else { return false }
        var i = 8
        guard b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "2") else { return false }
        i += 1
        var arcs = 0
        while i < b.count {
            guard b[i] == UInt8(ascii: "."), i + 1 < b.count, isDigit(b[i + 1]) else { return false }
            i += 1
            if b[i] == UInt8(ascii: "0") {
                i += 1
            } else {
                while i < b.count, isDigit(b[i]) { i += 1 }
            }
            arcs += 1
        }
        return arcs > 0
    }

    /// `urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`
    static func uuid(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard b.count == 45, hasPrefix(b, "urn:uuid:") else { return false }
        for i in 9..<45 {
            let c = b[i]
            switch i - 9 {
            case 8, 13, 18, 23:
                if c != UInt8(ascii: "-") { return false }
            default:
                if !(isDigit(c) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f"))) { return false }
            }
        }
        return true
    }

    /// Base64: groups of four characters of `A-Za-z0-9+/`, `=` padding only at the end; whitespace ignored.
    static func base64(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var count = 0
        var padding = 0
        for c in b {
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                if padding > 0 { return false }
                count += 1
            case UInt8(ascii: "="):
                padding += 1
                if padding > 2 { return false }
                count += 1
            default:
                if !isSpace(c) { return false }
            }
        }
        return count > 0 && count % 4 == 0
    }

    /// `string`/`markdown`: not empty, not only whitespace, no control characters but tab, CR and LF.
    static func string(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var sawText = false
        for c in b {
            if c < 0x20 {
                if c != 0x09 && c != 0x0A && c != 0x0D { return false }
            } else if c != 0x20 {
                sawText = true
            }
        }
        return sawText
    }

    /// `xhtml`: a `<div` element (after optional leading whitespace).
    static func xhtml(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < b.count, isSpace(b[i]) { i += 1 }
        guard b.count - i >= 5 else { return false }
        return b[i] == UInt8(ascii: "<") && b[i + 1] == UInt8(ascii: "d") && b[i + 2] == UInt8(ascii: "i")
            && b[i + 3] == UInt8(ascii: "v") && (b[i + 4] == UInt8(ascii: ">") || isSpace(b[i + 4]))
    }
}
