import FHIRJSON
import FHIRValidation
import Testing

/// Numbers below were computed by hand from the rule (weights 1…11, then 3…11,1,2), not by `IIN.make`.
@Suite("IIN")
struct IINTests {
    @Test("Valid numbers decode to their birth date and sex", arguments: [
        ("850312312343", "1985-03-12", "male"),      // 1st round: 168 mod 11 = 3
        ("900715400200", "1990-07-15", "female"),    // 1st round gives 10; 2nd round gives 0
        ("000229500018", "2000-02-29", "male"),      // leap day, 21st century
        ("991231100427", "1899-12-31", "male"),      // 19th century
    ])
    func validNumbers(iin: String, birthDate: String, sex: String) {
        #expect(IIN.decode(iin) == .success(IIN.Info(birthDate: birthDate, sex: sex)))
    }

    @Test("Invalid numbers report their problem", arguments: [
        ("850312312344", IIN.Problem.checkDigit),     // check digit should be 3
        ("900715400250", IIN.Problem.checkDigit),     // both rounds give 10: never issued
        ("850312012343", IIN.Problem.centuryCode),    // digit 7 = 0
        ("850312712343", IIN.Problem.centuryCode),    // digit 7 = 7
        ("850312912343", IIN.Problem.centuryCode),
        ("050229600013", IIN.Problem.birthDate),      // 2005-02-29 does not exist (check digit is right)
        ("851312312343", IIN.Problem.birthDate),      // month 13
        ("85031231234", IIN.Problem.format),
        ("8503123123430", IIN.Problem.format),
        ("85031231234a", IIN.Problem.format),
        ("８５０３１２３１２３４３", IIN.Problem.format),  // full-width digits
        ("", IIN.Problem.format),
    ])
    func invalidNumbers(iin: String, problem: IIN.Problem) {
        #expect(IIN.decode(iin) == .failure(problem))
    }

    @Test("make builds numbers that decode back, and refuses bad input")
    func make() {
        #expect(IIN.make(birthDate: "1985-03-12", sex: "male", serial: 1234) == "850312312343")
        #expect(IIN.make(birthDate: "1990-07-15", sex: "female", serial: 20) == "900715400200")
        #expect(IIN.make(birthDate: "1990-07-15", sex: "female", serial: 25) == nil)  // never issued
        for (date, sex) in [("1850-01-01", "female"), ("1999-12-31", "male"), ("2024-02-29", "female"), ("2099-06-30", "male")] {
            var made = 0
            for serial in [0, 1, 17, 999, 5000, 9999] {
                guard let iin = IIN.make(birthDate: date, sex: sex, serial: serial) else { continue }
                made += 1
                #expect(IIN.decode(iin) == .success(IIN.Info(birthDate: date, sex: sex)), "\(iin)")
            }
            #expect(made >= 4)
        }
        #expect(IIN.make(birthDate: "2023-02-29", sex: "male", serial: 1) == nil)
        #expect(IIN.make(birthDate: "1799-12-31", sex: "male", serial: 1) == nil)
        #expect(IIN.make(birthDate: "2100-01-01", sex: "male", serial: 1) == nil)
        #expect(IIN.make(birthDate: "1985-03-12", sex: "other", serial: 1) == nil)
        #expect(IIN.make(birthDate: "1985-03-12", sex: "male", serial: 10000) == nil)
        #expect(IIN.make(birthDate: "1985-3-12", sex: "male", serial: 1) == nil)
    }

    static func patient(iin: String, birthDate: String?, gender: String?) -> JSON {
        var fields = [#""resourceType": "Patient""#,
                      #""identifier": [{"system": "http://hl7.org/fhir/sid/us-ssn", "value": "999-87-1947"}, {"system": "\#(IIN.system)", "value": "\#(iin)"}]"#]
        if let birthDate { fields.append(#""birthDate": "\#(birthDate)""#) }
        if let gender { fields.append(#""gender": "\#(gender)""#) }
        return json("{" + fields.joined(separator: ", ") + "}")
    }

    @Test("A Patient whose IIN agrees with birthDate and gender has no issues")
    func matchingPatient() {
        #expect(IIN.validatePatient(Self.patient(iin: "850312312343", birthDate: "1985-03-12", gender: "male")).isEmpty)
        #expect(IIN.validatePatient(Self.patient(iin: "850312312343", birthDate: nil, gender: nil)).isEmpty)
        #expect(IIN.validatePatient(Self.patient(iin: "850312312343", birthDate: "1985-03", gender: "other")).isEmpty)
        #expect(IIN.validatePatient(Self.patient(iin: "850312312343", birthDate: "1985", gender: "unknown")).isEmpty)
        #expect(ResourceValidator().validate(Self.patient(iin: "900715400200", birthDate: "1990-07-15", gender: "female")).isEmpty)
    }

    @Test("Birth date and sex that disagree with the IIN are business-rule errors")
    func mismatches() {
        let issues = IIN.validatePatient(Self.patient(iin: "850312312343", birthDate: "1985-03-13", gender: "female"))
        #expect(summary(issues) == ["business-rule Patient.birthDate", "business-rule Patient.gender"], "\(issues)")
        #expect(issues.first { $0.location == "Patient.birthDate" }?.message.contains("1985-03-12") == true)
        let partial = IIN.validatePatient(Self.patient(iin: "850312312343", birthDate: "1986", gender: "male"))
        #expect(summary(partial) == ["business-rule Patient.birthDate"])
    }

    @Test("A malformed IIN is a value error on the identifier")
    func badIdentifier() {
        for iin in ["850312312344", "850312712343", "050229600013", "85031231234"] {
            let issues = IIN.validatePatient(Self.patient(iin: iin, birthDate: "1985-03-12", gender: "male"))
            #expect(summary(issues) == ["value Patient.identifier[1].value"], "\(iin): \(issues)")
        }
        let check = IIN.validatePatient(Self.patient(iin: "850312312344", birthDate: nil, gender: nil))
        #expect(check.first?.message.contains("expected 3") == true)
        let century = IIN.validatePatient(Self.patient(iin: "850312712343", birthDate: nil, gender: nil))
        #expect(century.first?.message.contains("digit 7") == true)
    }

    @Test("Other identifier systems are not IINs")
    func otherSystems() {
        let patient = json(#"{"resourceType": "Patient", "identifier": [{"system": "http://example.org/ids", "value": "123"}], "gender": "male"}"#)
        #expect(IIN.validatePatient(patient).isEmpty)
    }

    @Test("ResourceValidator applies the IIN rules to Patients, also inside a Bundle")
    func throughValidator() {
        let validator = ResourceValidator()
        let direct = validator.validate(Self.patient(iin: "850312312343", birthDate: "1985-03-12", gender: "female"))
        #expect(summary(direct) == ["business-rule Patient.gender"])

        let bundle = json(#"""
        {"resourceType": "Bundle", "type": "collection", "entry": [
          {"resource": {"resourceType": "Observation", "status": "final", "code": {"text": "x"}}},
          {"resource": {"resourceType": "Patient", "birthDate": "1990-01-01",
                        "identifier": [{"system": "\#(IIN.system)", "value": "850312312343"}]}}]}
        """#)
        #expect(summary(validator.validate(bundle)) == ["business-rule Bundle.entry[1].resource.birthDate"])
    }
}
