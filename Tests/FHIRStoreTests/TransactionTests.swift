import DatabaseTesting
import FHIRJSON
import FHIRStore
import Testing

@Suite struct TransactionTests {
    static let bundle = #"""
    {"resourceType":"Bundle","type":"transaction","entry":[
      {"fullUrl":"urn:uuid:11111111-1111-1111-1111-111111111111","resource":{"resourceType":"Organization","name":"Poliklinika 5","identifier":[{"system":"urn:org","value":"P5"}]},
       "request":{"method":"POST","url":"Organization","ifNoneExist":"identifier=urn:org|P5"}},
      {"fullUrl":"urn:uuid:22222222-2222-2222-2222-222222222222","resource":{"resourceType":"Patient","name":[{"family":"Abaeva"}],"managingOrganization":{"reference":"urn:uuid:11111111-1111-1111-1111-111111111111"}},
       "request":{"method":"POST","url":"Patient"}},
      {"resource":{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4"}]},
        "subject":{"reference":"urn:uuid:22222222-2222-2222-2222-222222222222"},"performer":[{"reference":"Organization?identifier=urn:org|P5"}],"valueQuantity":{"value":72,"unit":"/min"}},
       "request":{"method":"POST","url":"Observation"}}
    ]}
    """#

    @Test(arguments: TestDatabase.available)
    func transactionRewritesReferencesAndIsAtomic(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let response = try await repo.process(bundle: json(Self.bundle), baseURL: base)
            #expect(response["type"]?.stringValue == "transaction-response")
            let entries = response["entry"]?.arrayValue ?? []
            #expect(entries.count == 3)
            #expect(entries.allSatisfy { $0["response"]?["status"]?.stringValue == "201 Created" })
            let obs = try await search(repo, "Observation", "code=http://loinc.org|8867-4")
            let o = obs["entry"]?.arrayValue?.first?["resource"]
            let patientRef = o?["subject"]?["reference"]?.stringValue ?? ""
            #expect(patientRef.hasPrefix("Patient/") && !patientRef.contains("urn:uuid"))
            #expect(o?["performer"]?.arrayValue?.first?["reference"]?.stringValue?.hasPrefix("Organization/") == true)
            // A resource whose only references are urn:uuid ones is rewritten too, and searchable by them.
            let patient = try #require(try await search(repo, "Patient", "family=Abaeva")["entry"]?.arrayValue?.first?["resource"])
            let orgRef = patient["managingOrganization"]?["reference"]?.stringValue ?? ""
            #expect(orgRef.hasPrefix("Organization/") && !orgRef.contains("urn:uuid"))
            #expect(try await search(repo, "Patient", "organization=\(orgRef)")["entry"]?.arrayValue?.count == 1)
            #expect(try await search(repo, "Observation", "subject=\(patientRef)")["entry"]?.arrayValue?.count == 1)

            // Again: the conditional create matches, so no second organisation.
            let second = try await repo.process(bundle: json(Self.bundle), baseURL: base)
            #expect(second["entry"]?.arrayValue?.first?["response"]?["status"]?.stringValue == "200 OK")
            let orgs = try await search(repo, "Organization", "_summary=count")
            #expect(orgs["total"]?.numberLiteral == "1")

            // One bad entry: nothing of the bundle is stored.
            let bad = Self.bundle.replacingOccurrences(of: #""status":"final""#, with: #""status":"finished-ish""#)
            let before = try await search(repo, "Patient", "_summary=count")["total"]?.numberLiteral
            do {
                _ = try await repo.process(bundle: json(bad), baseURL: base)
                Issue.record("bad transaction accepted")
            } catch let e as FHIRError {
                #expect(e.status == 422)
                #expect(e.issues.contains { $0.expression == "Bundle.entry[2].resource.status" })
            }
            let after = try await search(repo, "Patient", "_summary=count")["total"]?.numberLiteral
            #expect(before == after)

            // A failure in the database phase (dangling reference) rolls back the entries already written.
            let dangling = #"{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","name":[{"family":"Rollback"}]},"request":{"method":"POST","url":"Patient"}},{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/missing"}},"request":{"method":"POST","url":"Observation"}}]}"#
            await #expect(throws: FHIRError.self) { _ = try await repo.process(bundle: json(dangling), baseURL: base) }
            #expect(ids(try await search(repo, "Patient", "family=Rollback")).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func batchEntriesSucceedOrFailOnTheirOwn(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let batch = #"{"resourceType":"Bundle","type":"batch","entry":[{"resource":{"resourceType":"Patient","name":[{"family":"Good"}]},"request":{"method":"POST","url":"Patient"}},{"resource":{"resourceType":"Patient","gender":"nope"},"request":{"method":"POST","url":"Patient"}},{"request":{"method":"GET","url":"Patient?family=Good"}}]}"#
            let response = try await repo.process(bundle: json(batch), baseURL: base)
            let statuses = (response["entry"]?.arrayValue ?? []).compactMap { $0["response"]?["status"]?.stringValue }
            #expect(statuses.count == 3)
            #expect(statuses[0] == "201 Created")
            #expect(statuses[1] == "422")
            #expect(response["entry"]?.arrayValue?[2]["resource"]?["total"]?.numberLiteral == "1")
        }
    }

    /// GET entries with `ifNoneMatch` or `ifModifiedSince` answer 304 without the resource when the client's copy
    /// is current, as a conditional read over HTTP does: how an app refreshes many cached resources in one request.
    @Test(arguments: TestDatabase.available)
    func batchReadsAreConditional(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let id = try await repo.create(type: "Patient", resource: patient(family: "Cached")).resource.id
            _ = try await repo.update(type: "Patient", id: id, resource: patient(family: "Cached", extra: #","id":"\#(id)","active":true"#))
            let reads = [#""ifNoneMatch":"W/\"2\"""#, #""ifNoneMatch":"\"2\"""#, #""ifModifiedSince":"2100-01-01T00:00:00Z""#,
                         #""ifNoneMatch":"W/\"1\"""#, #""ifModifiedSince":"2001-01-01T00:00:00Z""#, #""ifNoneMatch":"W/\"1\"","ifModifiedSince":"2100-01-01T00:00:00Z""#]
            let entries = reads.map { #"{"request":{"method":"GET","url":"Patient/\#(id)",\#($0)}}"# }.joined(separator: ",")
            let response = try await repo.process(bundle: json(#"{"resourceType":"Bundle","type":"batch","entry":[\#(entries)]}"#), baseURL: base)
            let results = response["entry"]?.arrayValue ?? []
            #expect(results.map { $0["response"]?["status"]?.stringValue ?? "" } == ["304 Not Modified", "304 Not Modified", "304 Not Modified", "200 OK", "200 OK", "200 OK"])
            #expect(results.prefix(3).allSatisfy { $0["resource"] == nil && $0["response"]?["etag"]?.stringValue == "W/\"2\"" })
            #expect(results.suffix(3).allSatisfy { $0["resource"]?["active"]?.boolValue == true })
        }
    }
}
