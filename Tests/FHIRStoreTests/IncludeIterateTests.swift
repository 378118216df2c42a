import DatabaseTesting
import FHIRJSON
@testable import FHIRStore
import Testing

/// `_include:iterate` and `_revinclude:iterate`: includes applied again to what the previous ones brought in.
@Suite struct IncludeIterateTests {
    /// A pharmacist's chain: a dispense, the prescription it fills, the medication prescribed.
    @Test(arguments: TestDatabase.available)
    func aDispenseBringsItsPrescriptionAndItsMedication(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let p = try await repo.create(type: "Patient", resource: patient(family: "Dispensed")).resource.id
            let med = try await repo.create(type: "Medication", resource: json(#"{"resourceType":"Medication","code":{"text":"Enalapril 10 mg"}}"#)).resource.id
            let rx = try await repo.create(type: "MedicationRequest", resource: json(#"""
                {"resourceType":"MedicationRequest","status":"active","intent":"order","subject":{"reference":"Patient/\#(p)"},"medicationReference":{"reference":"Medication/\#(med)"}}
                """#)).resource.id
            let dispense = try await repo.create(type: "MedicationDispense", resource: json(#"""
                {"resourceType":"MedicationDispense","status":"completed","subject":{"reference":"Patient/\#(p)"},"medicationReference":{"reference":"Medication/\#(med)"},
                 "authorizingPrescription":[{"reference":"MedicationRequest/\#(rx)"}]}
                """#)).resource.id
            func included(_ type: String, _ query: String) async throws -> [String] {
                let bundle = try await search(repo, type, query, strict: true)
                return (bundle["entry"]?.arrayValue ?? []).filter { $0["search"]?["mode"]?.stringValue == "include" }.compactMap { e in
                    e["resource"].flatMap { r in r["resourceType"]?.stringValue.flatMap { t in r["id"]?.stringValue.map { t + "/" + $0 } } }
                }
            }
            // Without :iterate an include of another type's reference does nothing; with it, the chain is followed.
            #expect(try await included("MedicationDispense", "_id=\(dispense)&_include=MedicationDispense:prescription&_include=MedicationRequest:medication")
                    == ["MedicationRequest/" + rx])
            #expect(Set(try await included("MedicationDispense", "_id=\(dispense)&_include=MedicationDispense:prescription&_include:iterate=MedicationRequest:medication"))
                    == ["MedicationRequest/" + rx, "Medication/" + med])
            // Backwards: a patient's prescriptions and the dispenses that filled them.
            #expect(Set(try await included("Patient", "_id=\(p)&_revinclude=MedicationRequest:subject&_revinclude:iterate=MedicationDispense:prescription"))
                    == ["MedicationRequest/" + rx, "MedicationDispense/" + dispense])
            // A chain that comes back to where it began brings each resource once.
            let round = try await included("MedicationRequest", "_id=\(rx)&_revinclude:iterate=MedicationDispense:prescription&_include:iterate=MedicationDispense:prescription&_include:iterate=MedicationDispense:medication")
            #expect(round.sorted() == ["Medication/" + med, "MedicationDispense/" + dispense].sorted())
        }
    }
}
