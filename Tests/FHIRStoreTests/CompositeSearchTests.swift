import DatabaseTesting
import FHIRDefinitions
import FHIRJSON
@testable import FHIRStore
import Testing

/// Composite search: `code$value` pairs that one Observation must meet together.
@Suite struct CompositeSearchTests {
    @Test(arguments: TestDatabase.available)
    func observationsByCodeAndValueTogether(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let ids = try await SearchTests.load(repo)
            func found(_ query: String) async throws -> Set<String> { Set(FHIRStoreTests.ids(try await search(repo, "Observation", query, strict: true))) }
            func obs(_ n: Int...) -> Set<String> { Set(n.compactMap { ids["obs\($0)"] }) }
            // Heart rates over 70: not the glucose values, though some of those patients have fast hearts.
            #expect(try await found("code-value-quantity=http://loinc.org|8867-4$gt70") == obs(0, 1))
            #expect(try await found("code-value-quantity=8867-4$lt70") == obs(2))
            #expect(try await found("code-value-quantity=2339-0$gt70").isEmpty)
            // With the unit, ORed values, and beside other criteria.
            #expect(try await found("code-value-quantity=8867-4$gt70|http://unitsofmeasure.org|u") == obs(0, 1))
            #expect(try await found("code-value-quantity=8867-4$lt61,2339-0$gt7") == obs(2, 4))
            #expect(try await found("code-value-quantity=8867-4$gt70&date=ge2024-02") == obs(1))
            // Through reverse chaining: patients with a heart rate over 80.
            let patients = try await search(repo, "Patient", "_has:Observation:subject:code-value-quantity=8867-4$gt80", strict: true)
            #expect(Set(FHIRStoreTests.ids(patients)) == [ids["Ахметов"] ?? ""])
        }
    }

    @Test(arguments: TestDatabase.available)
    func badCompositeValuesAreNamed(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            _ = try await SearchTests.load(repo)
            for query in ["code-value-quantity=8867-4", "code-value-quantity=8867-4$gt70$1", "code-value-quantity:missing=true",
                          "component-code-value-quantity=http://loinc.org|8480-6$gt140", "code-value-quantity=8867-4$often"] {
                await expectFHIRError(400, query) { _ = try await search(repo, "Observation", query, strict: true) }
            }
        }
    }

    /// The CapabilityStatement's rule: the composites over the resource itself work, the ones over repeating
    /// elements do not.
    @Test func whichCompositesAreSupported() {
        let observation = SearchParameters.forType("Observation")
        let supported = Set(observation.filter { $0.value.type == .composite && CompositeSearch.isSupported($0.value, on: "Observation") }.keys)
        #expect(supported == ["code-value-quantity", "code-value-concept", "code-value-date", "code-value-string"])
    }
}
