import FHIRJSON

/// The Kazakhstan individual identification number (ИИН, жеке сәйкестендіру нөмірі): 12 digits.
///
/// - Digits 1–6: the birth date as `YYMMDD`.
/// - Digit 7: century and sex: 1/2 born 1800–1899, 3/4 born 1900–1999, 5/6 born 2000–2099;
///   odd = male, even = female. 0 and 7–9 are not used.
/// - Digits 8–11: a serial number.
/// - Digit 12: a check digit: `sum(dᵢ × i for i in 1...11) mod 11`; when that is 10 it is computed again
///   with the weights 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2; when it is 10 again the number is never issued.
public enum IIN {
    /// The `Identifier.system` of an ИИН in this server.
    public static let system = "http://densauluq.kz/fhir/sid/iin"

    /// What an ИИН says about its holder.
    public struct Info: Sendable, Equatable {
        /// The birth date, `YYYY-MM-DD`.
        public let birthDate: String
        /// `"male"` or `"female"`, as in `Patient.gender`.
        public let sex: String

        /// Makes an info value.
        public init(birthDate: String, sex: String) {
            self.birthDate = birthDate
            self.sex = sex
        }
    }

    /// Why a text is not a valid ИИН.
    public enum Problem: Error, Sendable, Equatable {
        /// Not exactly 12 ASCII digits.
        case format
        /// The 12th digit does not match the other 11 (or they give a number that is never issued).
        case checkDigit
        /// Digits 1–6 are not a real calendar date.
        case birthDate
        /// Digit 7 is not 1–6.
        case centuryCode
    }

    /// Weights of the first check-digit round.
    private static let firstWeights = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    /// Weights of the second round, used when the first gives 10.
    private static let secondWeights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]

    /// The check digit for the first 11 digits, or nil when the number can never be issued.
    static func checkDigit(_ digits: [Int]) -> Int? {
        var a = 0
        for i in 0..<11 { a += digits[i] * firstWeights[i] }
        a %= 11
        if a == 10 {
            a = 0
            for i in 0..<11 { a += digits[i] * secondWeights[i] }
            a %= 11
        }
        return a == 10 ? nil : a
    }

    /// The 12 digits of `iin`, or nil when it is not exactly 12 ASCII digits.
    private static func digits(_ iin: String) -> [Int]? {
        var result: [Int] = []
        result.reserveCapacity(12)
        for c in iin.utf8 {
            guard c >= 0x30, c <= 0x39, result.count < 12 else { return nil }
            result.append(Int(c - 0x30))
        }
        return result.count == 12 ? result : nil
    }

    /// `YYYY-MM-DD` with zero padding.
    private static func formatDate(_ year: Int, _ month: Int, _ day: Int) -> String {
        func pad(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Decodes and checks an ИИН. Problems are reported in the order format, century code, birth date,
    /// check digit: the first one found is returned.
    public static func decode(_ iin: String) -> Result<Info, Problem> {
        guard let d = digits(iin) else { return .failure(.format) }
        let code = d[6]
        guard code >= 1 && code <= 6 else { return .failure(.centuryCode) }
        let year = 1800 + (code - 1) / 2 * 100 + d[0] * 10 + d[1]
        let month = d[2] * 10 + d[3]
        let day = d[4] * 10 + d[5]
        guard month >= 1, month <= 12, day >= 1, day <= FormatCheck.daysIn(month: month, year: year) else {
            return .failure(.birthDate)
        }
        guard let check = checkDigit(d), check == d[11] else { return .failure(.checkDigit) }
        return .success(Info(birthDate: formatDate(year, month, day), sex: code % 2 == 1 ? "male" : "female"))
    }

    /// Makes a valid ИИН for a birth date (`YYYY-MM-DD`, years 1800–2099), sex (`"male"` or `"female"`)
    /// and serial (0–9999), for tests and demo data.
    ///
    /// Returns nil when an input is out of range, or when this serial gives a number that is never
    /// issued (both check-digit rounds give 10, about 1 serial in 100); try the next serial then.
    public static func make(birthDate: String, sex: String, serial: Int) -> String? {
        let utf8 = Array(birthDate.utf8)
        guard utf8.count == 10, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"),
              (0...9999).contains(serial), sex == "male" || sex == "female" else { return nil }
        let failure = utf8.withUnsafeBufferPointer { FormatCheck.date($0) }
        guard failure == nil,
              let year = Int(birthDate.prefix(4)),
              let month = Int(birthDate.dropFirst(5).prefix(2)),
              let day = Int(birthDate.suffix(2)),
              (1800...2099).contains(year) else { return nil }
        let century = (year / 100 - 18) * 2 + (sex == "male" ? 1 : 2)
        let yy = year % 100
        var d = [yy / 10, yy % 10, month / 10, month % 10, day / 10, day % 10, century,
                 serial / 1000, serial / 100 % 10, serial / 10 % 10, serial % 10]
        guard let check = checkDigit(d) else { return nil }
        d.append(check)
        return d.map(String.init).joined()
    }

    /// Issues for a Patient whose identifier with `system` is an IIN: format/check digit, and the birth
    /// date and sex encoded in it must match Patient.birthDate and Patient.gender when those are present
    /// (gender "other"/"unknown" is not a mismatch).
    ///
    /// A partial `birthDate` (`1985` or `1985-03`) must agree with the ИИН to its precision. Returns no
    /// issues for a value that is not a Patient. Locations start with `Patient`.
    public static func validatePatient(_ patient: JSON) -> [ValidationIssue] {
        guard case .object(let object) = patient else { return [] }
        if let type = object["resourceType"], type != .string("Patient") { return [] }
        return patientIssues(object, location: "Patient")
    }

    /// ``validatePatient(_:)`` for a Patient object at `location` (such as `Bundle.entry[2].resource`).
    /// The location text is only built when the Patient has an ИИН.
    static func patientIssues(_ patient: JSONObject, location: @autoclosure () -> String) -> [ValidationIssue] {
        guard case .array(let identifiers)? = patient["identifier"] else { return [] }
        var issues: [ValidationIssue] = []
        var prefix: String?
        for (i, identifier) in identifiers.enumerated() {
            guard case .object(let id) = identifier, case .string(let sys)? = id["system"], sys == system,
                  case .string(let value)? = id["value"] else { continue }
            let root = prefix ?? location()
            prefix = root
            let at = "\(root).identifier[\(i)].value"
            switch decode(value) {
            case .failure(let problem):
                issues.append(ValidationIssue(severity: .error, code: ValidationIssue.Code.value,
                                              message: message(for: problem, value), location: at))
            case .success(let info):
                if case .string(let birthDate)? = patient["birthDate"], !birthDate.isEmpty {
                    let agrees = birthDate.count >= 10 ? birthDate.hasPrefix(info.birthDate) : info.birthDate.hasPrefix(birthDate)
                    if !agrees {
                        issues.append(ValidationIssue(
                            severity: .error, code: ValidationIssue.Code.businessRule,
                            message: "Patient.birthDate '\(birthDate)' does not match the birth date \(info.birthDate) encoded in the IIN (ИИН) '\(value)'",
                            location: "\(root).birthDate"))
                    }
                }
                if case .string(let gender)? = patient["gender"], gender == "male" || gender == "female", gender != info.sex {
                    issues.append(ValidationIssue(
                        severity: .error, code: ValidationIssue.Code.businessRule,
                        message: "Patient.gender '\(gender)' does not match the sex '\(info.sex)' encoded in digit 7 of the IIN (ИИН) '\(value)'",
                        location: "\(root).gender"))
                }
            }
        }
        return issues
    }

    /// An English explanation of `problem` for the value `iin`.
    static func message(for problem: Problem, _ iin: String) -> String {
        let shown = iin.count > 40 ? String(iin.prefix(40)) + "…" : iin
        switch problem {
        case .format:
            return "The IIN (ИИН) '\(shown)' is not valid: expected exactly 12 digits"
        case .centuryCode:
            let digit = iin.utf8.count >= 7 ? String(iin[iin.index(iin.startIndex, offsetBy: 6)]) : "?"
            return "The IIN (ИИН) '\(shown)' is not valid: digit 7 (century and sex) is '\(digit)', expected 1 to 6"
        case .birthDate:
            return "The IIN (ИИН) '\(shown)' is not valid: digits 1–6 (YYMMDD) are not a real birth date"
        case .checkDigit:
            if let d = digits(iin), let expected = checkDigit(d) {
                return "The IIN (ИИН) '\(shown)' is not valid: the check digit (digit 12) is \(d[11]), expected \(expected)"
            }
            return "The IIN (ИИН) '\(shown)' is not valid: its first 11 digits give no check digit, so the number is never issued"
        }
    }
}
