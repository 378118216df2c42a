import DatabaseTesting
import FHIRJSON
@testable import FHIRStore
import SQLKit
import Testing

/// Reverse chaining, `_has`: resources selected by what other resources that reference them say.
@Suite struct ReverseChainTests {
    func families(_ repo: Repository, _ query: String) async throws -> Set<String> {
        let bundle = try await search(repo, "Patient", query, strict: true)
        return Set((bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["name"]?[0]?["family"]?.stringValue })
    }

    @Test(arguments: TestDatabase.available)
    func patientsByTheirObservations(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let ids = try await SearchTests.load(repo)
            #expect(try await families(repo, "_has:Observation:subject:code=2339-0") == ["Ахметова", "Smith"])
            #expect(try await families(repo, "_has:Observation:patient:code=http://loinc.org|8867-4") == ["Ахметов", "Ахметова"])
            // Values are ORed, repeated parameters ANDed, and other criteria apply as usual.
            #expect(try await families(repo, "_has:Observation:subject:code=8867-4,2339-0") == ["Ахметов", "Ахметова", "Smith"])
            #expect(try await families(repo, "_has:Observation:subject:code=8867-4&_has:Observation:subject:code=2339-0") == ["Ахметова"])
            #expect(try await families(repo, "gender=male&_has:Observation:subject:code=2339-0") == ["Smith"])
            // The inner parameter keeps its prefixes and modifiers.
            #expect(try await families(repo, "_has:Observation:subject:value-quantity=gt80") == ["Ахметов"])
            #expect(try await families(repo, "_has:Observation:subject:code:text=Lab 2339") == ["Ахметова", "Smith"])
            // A deleted observation no longer counts.
            _ = try await repo.delete(type: "Observation", id: ids["obs4"] ?? "")
            #expect(try await families(repo, "_has:Observation:subject:code=2339-0") == ["Ахметова"])
            // Nested: patients with an observation that a final report names as a result.
            _ = try await repo.create(type: "DiagnosticReport", resource: json(#"""
                {"resourceType":"DiagnosticReport","status":"final","code":{"text":"panel"},"result":[{"reference":"Observation/\#(ids["obs1"] ?? "")"}]}
                """#))
            #expect(try await families(repo, "_has:Observation:subject:_has:DiagnosticReport:result:status=final") == ["Ахметов"])
            #expect(try await families(repo, "_has:Observation:subject:_has:DiagnosticReport:result:status=preliminary").isEmpty)
        }
    }

    /// Ids are unique per type only: a Practitioner that shares a referenced Patient's id is not a match.
    @Test(arguments: TestDatabase.available)
    func anotherTypeWithTheSameIdIsNotFound(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            _ = try await repo.update(type: "Patient", id: "shared-id", resource: patient(family: "Shared", extra: #","id":"shared-id""#))
            _ = try await repo.update(type: "Practitioner", id: "shared-id", resource: json(#"{"resourceType":"Practitioner","id":"shared-id","name":[{"family":"Doctor"}]}"#))
            _ = try await repo.create(type: "Observation", resource: json(#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/shared-id"}}"#))
            let found = try await search(repo, "Patient", "_has:Observation:subject:status=final", strict: true)
            let types = (found["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["resourceType"]?.stringValue }
            #expect(types == ["Patient"])
            #expect(found["total"]?.numberLiteral == "1")
        }
    }

    @Test(arguments: TestDatabase.available)
    func badReverseChainsAreNamedAndAccessRulesHold(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            _ = try await SearchTests.load(repo)
            for query in ["_has:Observation:subject=x", "_has:Nothing:subject:code=x", "_has:Observation:encounter:code=x", "_has:Observation:subject:nonsense=1"] {
                do {
                    _ = try await search(repo, "Patient", query, strict: false)
                    Issue.record("\(query) was accepted")
                } catch let error as FHIRError {
                    #expect(error.status == 400, "\(query)")
                    #expect(error.issues.first?.expression == String(query.prefix { $0 != "=" }), "\(query)")
                }
            }
            // A type the caller may not read cannot be searched through `_has` either.
            let patientsOnly = AccessScope(read: .all, write: .none, readTypes: .only(["Patient"]), holder: "test patients only")
            await AccessScope.$current.withValue(patientsOnly) {
                await expectFHIRError(403, "_has over a type outside the scope") { _ = try await families(repo, "_has:Observation:subject:code=2339-0") }
            }
            // Rows the caller may not read do not select anything: here only heart rates are visible.
            let heartRatesOnly: SQLQueryString = "EXISTS (SELECT 1 FROM sp_token x WHERE x.seq = r.seq AND x.param = 'code' AND x.code = '8867-4')"
            let narrow = AccessScope(read: .all, write: .none, rowConditions: ["Observation": heartRatesOnly], holder: "test heart rates")
            let (glucose, heartRates) = try await AccessScope.$current.withValue(narrow) {
                (try await families(repo, "_has:Observation:subject:code=2339-0"), try await families(repo, "_has:Observation:subject:code=8867-4"))
            }
            #expect(glucose.isEmpty)
            #expect(heartRates == ["Ахметов", "Ахметова"])
        }
    }
}
