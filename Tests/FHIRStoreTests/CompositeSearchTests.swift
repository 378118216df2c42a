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
            // combo-…: the pair on the resource itself counts too.
            #expect(try await found("combo-code-value-quantity=http://loinc.org|8867-4$gt70") == obs(0, 1))
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
                          "combo-code-value-quantity=8480-6", "code-value-quantity=8867-4$often"] {
                await expectFHIRError(400, query) { _ = try await search(repo, "Observation", query, strict: true) }
            }
        }
    }

    /// The CapabilityStatement's rule: composites over the resource itself, over one repeating element (the
    /// components), and Observation's combination of both (`combo-…`) work.
    @Test func whichCompositesAreSupported() {
        let observation = SearchParameters.forType("Observation")
        let supported = Set(observation.filter { $0.value.type == .composite && CompositeSearch.isSupported($0.value, on: "Observation") }.keys)
        #expect(supported == ["code-value-quantity", "code-value-concept", "code-value-date", "code-value-string", "component-code-value-quantity", "component-code-value-concept", "combo-code-value-quantity", "combo-code-value-concept"])
        for type in ["Questionnaire", "Measure"] {
            let composites = SearchParameters.forType(type).filter { $0.value.type == .composite }
            #expect(Set(composites.filter { CompositeSearch.isSupported($0.value, on: type) }.keys) == ["context-type-value", "context-type-quantity"], "\(type)")
        }
    }

    /// Composites over a repeating element: the code and the value must come from the same component — a
    /// systolic pressure over 140, not a diastolic one.
    @Test(arguments: TestDatabase.available)
    func componentsAreMatchedWithinOneComponent(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            func pressure(_ systolic: Int, _ diastolic: Int) -> String {
                #"""
                {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},
                 "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":\#(systolic),"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}},
                              {"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":\#(diastolic),"unit":"mm[Hg]","system":"http://unitsofmeasure.org","code":"mm[Hg]"}},
                              {"code":{"text":"position"},"valueCodeableConcept":{"coding":[{"system":"http://snomed.info/sct","code":"33586001"}]}}]}
                """#
            }
            let high = try await repo.create(type: "Observation", resource: json(pressure(150, 95))).resource.id
            let odd = try await repo.create(type: "Observation", resource: json(pressure(120, 145))).resource.id
            func found(_ query: String) async throws -> Set<String> { Set(ids(try await search(repo, "Observation", query, strict: true))) }
            #expect(try await found("component-code-value-quantity=http://loinc.org|8480-6$gt140") == [high])
            #expect(try await found("component-code-value-quantity=8462-4$gt140") == [odd])
            #expect(try await found("component-code-value-quantity=8480-6$gt100,8462-4$gt140") == [high, odd])
            #expect(try await found("component-code-value-quantity=|8480-6$gt140").isEmpty)   // the codings have a system
            #expect(try await found("component-code-value-quantity=8480-6$gt140|http://unitsofmeasure.org|mm[Hg]") == [high])
            // combo-…: within a component here (the panel's own code has no value).
            #expect(try await found("combo-code-value-quantity=8480-6$gt140") == [high])
            #expect(try await found("combo-code-value-quantity=85354-9$gt0").isEmpty)
            // A component without a coding's code files nothing; a concept component by its code is not here.
            #expect(try await found("component-code-value-concept=8480-6$http://snomed.info/sct|33586001").isEmpty)
            // An update re-files the component: the high reading corrected to 130 is no longer over 140.
            _ = try await repo.update(type: "Observation", id: high, resource: json(pressure(130, 95).replacingOccurrences(of: #"{"resourceType":"Observation","#, with: #"{"resourceType":"Observation","id":"\#(high)","#)))
            #expect(try await found("component-code-value-quantity=8480-6$gt140").isEmpty)
            #expect(try await found("component-code-value-quantity=8480-6$eq130") == [high])
            await expectFHIRError(400, "a composite without a code") { _ = try await search(repo, "Observation", "component-code-value-quantity=http://loinc.org|$gt140", strict: true) }
        }
    }
}
