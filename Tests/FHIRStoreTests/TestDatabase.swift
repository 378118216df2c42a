import FHIRJSON
import FHIRStore
import Foundation
import Logging
import DatabaseTesting
import Testing

@Test func postgresIsTestedInCI() {
    // CI must exercise PostgreSQL; a missing URL there means the suite silently lost half its coverage.
    if ProcessInfo.processInfo.environment["CI"] == "true" {
        #expect(TestDatabase.postgresURL != nil, "CI runs must set DENSAULUQ_TEST_POSTGRES_URL")
    }
}

func json(_ text: String) -> JSON {
    do { return try JSONParser.parse(text) } catch { Issue.record("bad test JSON: \(error)"); return .null }
}

let base = "http://test/fhir"

func patient(family: String, given: String = "Aigerim", birthDate: String = "1990-04-12", gender: String = "female", extra: String = "") -> JSON {
    json(#"{"resourceType":"Patient","name":[{"family":"\#(family)","given":["\#(given)"]}],"gender":"\#(gender)","birthDate":"\#(birthDate)"\#(extra)}"#)
}

/// Ids of the match entries of a search Bundle.
func ids(_ bundle: JSON) -> [String] {
    (bundle["entry"]?.arrayValue ?? []).filter { $0["search"]?["mode"]?.stringValue == "match" }.compactMap { $0["resource"]?["id"]?.stringValue }
}

func search(_ repo: Repository, _ type: String, _ query: String, strict: Bool = false) async throws -> JSON {
    try await repo.search(type: type, parameters: SearchRequest.parseQuery(query), baseURL: base, strict: strict)
}

/// Runs `body`, which must fail with a `FHIRError` of `status`; records an issue saying `what` otherwise.
func expectFHIRError(_ status: Int, _ what: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("\(what): it succeeded", sourceLocation: sourceLocation)
    } catch let error as FHIRError {
        #expect(error.status == status, "\(what): \(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("\(what): \(error) is not a FHIRError", sourceLocation: sourceLocation)
    }
}
