import FHIRJSON
import FHIRValidation
import Foundation
import Testing

/// Real Synthea output must validate cleanly: any issue here is a false positive of the validator.
@Suite("Synthea samples", .enabled(if: Synthea.available, "needs /work/shared/fhir/synthea and bzip2"))
struct SyntheaValidationTests {
    @Test("Every Synthea bundle and every resource in it validates with zero issues")
    func allResourcesValid() throws {
        let validator = ResourceValidator()
        let bundles = try Synthea.bundles()
        #expect(!bundles.isEmpty)
        var resources = 0
        var types = Set<String>()
        for (name, bundle) in bundles {
            let bundleIssues = validator.validate(bundle)
            #expect(bundleIssues.isEmpty, "\(name): \(bundleIssues.prefix(20))")
            for entry in bundle["entry"]?.arrayValue ?? [] {
                guard let resource = entry["resource"] else { continue }
                resources += 1
                if let type = resource["resourceType"]?.stringValue { types.insert(type) }
                let issues = validator.validate(resource)
                #expect(issues.isEmpty, "\(name) \(resource["resourceType"]?.stringValue ?? "?")/\(resource["id"]?.stringValue ?? "?"): \(issues)")
            }
        }
        #expect(resources > 1000)
        #expect(types.isSuperset(of: ["Patient", "Observation", "Encounter", "Claim", "ExplanationOfBenefit"]))
    }

    @Test("A broken copy of a real resource is caught")
    func brokenRealResource() throws {
        guard let path = Synthea.files().first(where: { !$0.contains("Information") }) else { return }
        let bundle = try JSONParser.parse(try Synthea.decompress(path))
        guard case .object(var patient)? = bundle["entry"]?.arrayValue?.lazy.compactMap({ $0["resource"] })
            .first(where: { $0["resourceType"]?.stringValue == "Patient" }) else {
            Issue.record("no Patient in \(path)")
            return
        }
        patient["birthDate"] = "1990-02-30"
        patient["gender"] = "m"
        patient["deceasedBoolean"] = nil
        patient["deceasedDateTime"] = nil
        patient["deceasedBoolean"] = false
        patient["deceasedDateTime"] = "2020-01-01"
        let issues = ResourceValidator().validate(.object(patient))
        #expect(summary(issues) == [
            "code-invalid Patient.gender", "structure Patient.deceasedDateTime", "value Patient.birthDate",
        ], "\(issues)")
    }
}
