import DatabaseTesting
import FHIRJSON
import FHIRStore
import Foundation
import Testing

/// `PATCH [type]/[id]` with JSON Patch: a new version through the same checks as an update, all or nothing.
@Suite struct PatchTests {
    func history(_ repo: Repository, _ id: String) async throws -> Int {
        try await repo.history(type: "Patient", id: id, parameters: [], baseURL: base)["total"]?.intValue ?? -1
    }

    @Test(arguments: TestDatabase.available)
    func aPatchIsAVersionThatPassesTheUpdateChecks(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let id = try await repo.create(type: "Patient", resource: patient(family: "Serikova")).resource.id
            let patch = json(#"""
                [{"op":"test","path":"/gender","value":"female"},
                 {"op":"add","path":"/telecom","value":[{"system":"phone","value":"+7 701 000 00 00"}]},
                 {"op":"replace","path":"/name/0/family","value":"Serikbayeva"}]
                """#)
            let outcome = try await repo.patch(type: "Patient", id: id, patch: patch, ifMatch: "W/\"1\"")
            #expect(outcome.resource.versionId == 2)
            let read = try await repo.read(type: "Patient", id: id)
            #expect(read.json["name"]?[0]?["family"]?.stringValue == "Serikbayeva")
            #expect(read.json["telecom"]?[0]?["value"]?.stringValue == "+7 701 000 00 00")
            #expect(read.json["birthDate"]?.stringValue == "1990-04-12")
            // The search index follows the new version.
            #expect(ids(try await search(repo, "Patient", "family=serikbayeva")) == [id])
            #expect(ids(try await search(repo, "Patient", "family:exact=Serikova")).isEmpty)
            #expect(try await history(repo, id) == 2)

            // Each refusal leaves the resource as it was.
            func refused(_ patch: String, ifMatch: String? = nil) async throws -> FHIRError? {
                do {
                    _ = try await repo.patch(type: "Patient", id: id, patch: json(patch), ifMatch: ifMatch)
                    return nil
                } catch let error as FHIRError { return error }
            }
            let stale = try await refused(#"[{"op":"replace","path":"/gender","value":"male"}]"#, ifMatch: "W/\"1\"")
            #expect(stale?.status == 412)
            let failedTest = try await refused(#"[{"op":"replace","path":"/gender","value":"male"},{"op":"test","path":"/gender","value":"female"}]"#)
            #expect(failedTest?.status == 422 && failedTest?.issues.first?.expression == "Patch[1].value")
            let invalid = try await refused(#"[{"op":"replace","path":"/gender","value":"sometimes"}]"#)
            #expect(invalid?.status == 422 && invalid?.issues.contains { $0.expression == "Patient.gender" } == true)
            let missingTarget = try await refused(#"[{"op":"add","path":"/managingOrganization","value":{"reference":"Organization/nowhere"}}]"#)
            #expect(missingTarget?.status == 422)
            let renamed = try await refused(#"[{"op":"replace","path":"/id","value":"another"}]"#)
            #expect(renamed?.status == 422)
            let malformed = try await refused(#"[{"op":"replace","path":"gender","value":"male"}]"#)
            #expect(malformed?.status == 400 && malformed?.issues.first?.expression == "Patch[0].path")
            #expect(try await history(repo, id) == 2)
            #expect(try await repo.read(type: "Patient", id: id).json["gender"]?.stringValue == "female")

            await expectFHIRError(404, "a patch of an unknown resource") {
                _ = try await repo.patch(type: "Patient", id: "nobody", patch: json(#"[{"op":"remove","path":"/gender"}]"#))
            }
        }
    }

    /// `PATCH Patient?identifier=…`: the one match is patched; none is a 404, several a 412, and nothing changes.
    @Test(arguments: TestDatabase.available)
    func conditionalPatchFindsTheOneMatch(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let id = try await repo.create(type: "Patient", resource: patient(family: "Kassymova", extra: #","identifier":[{"system":"urn:mis","value":"A-1"}]"#)).resource.id
            for _ in 0..<2 { _ = try await repo.create(type: "Patient", resource: patient(family: "Twin", extra: #","identifier":[{"system":"urn:mis","value":"T-2"}]"#)) }
            let patch = json(#"[{"op":"replace","path":"/gender","value":"male"}]"#)
            let outcome = try await repo.conditionalPatch(type: "Patient", criteria: "identifier=urn:mis|A-1", patch: patch)
            #expect(outcome.resource.id == id && outcome.resource.versionId == 2)
            #expect(try await repo.read(type: "Patient", id: id).json["gender"]?.stringValue == "male")
            await expectFHIRError(404, "a patch matching nothing") {
                _ = try await repo.conditionalPatch(type: "Patient", criteria: "identifier=urn:mis|none", patch: patch)
            }
            await expectFHIRError(412, "a patch matching two") {
                _ = try await repo.conditionalPatch(type: "Patient", criteria: "identifier=urn:mis|T-2", patch: patch)
            }
            #expect(ids(try await search(repo, "Patient", "gender=male")) == [id])
        }
    }

    /// A PATCH entry in a transaction (its JSON Patch as a Binary): applied with the other entries, or with them
    /// not at all.
    @Test(arguments: TestDatabase.available)
    func patchEntriesInATransactionAreAllOrNothing(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let id = try await repo.create(type: "Patient", resource: patient(family: "Bundled", extra: #","identifier":[{"system":"urn:mis","value":"B-1"}]"#)).resource.id
            func binary(_ patch: String) -> String {
                #"{"resourceType":"Binary","contentType":"application/json-patch+json","data":"\#(Data(patch.utf8).base64EncodedString())"}"#
            }
            func bundle(_ patch: String) -> JSON {
                json(#"""
                    {"resourceType":"Bundle","type":"transaction","entry":[
                      {"fullUrl":"urn:uuid:5b7e0c1a-0000-4000-8000-000000000001","resource":\#(patient(family: "Newcomer").serialized()),"request":{"method":"POST","url":"Patient"}},
                      {"resource":\#(binary(patch)),"request":{"method":"PATCH","url":"Patient?identifier=urn:mis|B-1"}}]}
                    """#)
            }
            let response = try await repo.process(bundle: bundle(#"[{"op":"replace","path":"/gender","value":"male"}]"#), baseURL: base)
            #expect(response["entry"]?[1]?["response"]?["status"]?.stringValue == "200 OK")
            #expect(try await repo.read(type: "Patient", id: id).json["gender"]?.stringValue == "male")
            #expect(ids(try await search(repo, "Patient", "family=newcomer")).count == 1)
            // A failing patch takes the transaction's create down with it.
            await expectFHIRError(422, "a transaction with a failing patch") {
                _ = try await repo.process(bundle: bundle(#"[{"op":"test","path":"/gender","value":"female"}]"#), baseURL: base)
            }
            #expect(ids(try await search(repo, "Patient", "family=newcomer")).count == 1)
            // A PATCH entry without a Binary patch is refused before anything runs.
            let plain = json(#"{"resourceType":"Bundle","type":"transaction","entry":[{"resource":\#(patient(family: "X").serialized()),"request":{"method":"PATCH","url":"Patient/\#(id)"}}]}"#)
            await expectFHIRError(400, "a PATCH entry without a Binary") { _ = try await repo.process(bundle: plain, baseURL: base) }

            // A patch may point at what the same bundle creates: its urn:uuid references are rewritten, both in a
            // Reference value and in a string written at a …/reference path.
            let org = "urn:uuid:5b7e0c1a-0000-4000-8000-0000000000a1", gp = "urn:uuid:5b7e0c1a-0000-4000-8000-0000000000a2"
            let linking = #"[{"op":"add","path":"/managingOrganization","value":{"reference":"\#(org)"}},"#
                + #"{"op":"add","path":"/generalPractitioner","value":[{"reference":"Organization/placeholder"}]},"#
                + #"{"op":"replace","path":"/generalPractitioner/0/reference","value":"\#(gp)"}]"#
            let withTargets = json(#"""
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"resource":\#(binary(linking)),"request":{"method":"PATCH","url":"Patient/\#(id)"}},
                  {"fullUrl":"\#(org)","resource":{"resourceType":"Organization","name":"Emhana 3"},"request":{"method":"POST","url":"Organization"}},
                  {"fullUrl":"\#(gp)","resource":{"resourceType":"Practitioner","name":[{"family":"Seitova"}]},"request":{"method":"POST","url":"Practitioner"}}]}
                """#)
            let linked = try await repo.process(bundle: withTargets, baseURL: base)
            let orgId = linked["entry"]?[1]?["response"]?["location"]?.stringValue?.split(separator: "/").prefix(2).joined(separator: "/")
            let gpId = linked["entry"]?[2]?["response"]?["location"]?.stringValue?.split(separator: "/").prefix(2).joined(separator: "/")
            let patched = try await repo.read(type: "Patient", id: id).json
            #expect(orgId?.hasPrefix("Organization/") == true && patched["managingOrganization"]?["reference"]?.stringValue == orgId)
            #expect(gpId?.hasPrefix("Practitioner/") == true && patched["generalPractitioner"]?[0]?["reference"]?.stringValue == gpId)
        }
    }

    /// Patches of one resource at once apply one after the other: each sees the version the one before wrote.
    @Test(arguments: TestDatabase.available)
    func concurrentPatchesAreNotLost(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let id = try await repo.create(type: "Patient", resource: patient(family: "Concurrent", extra: #","telecom":[{"system":"phone","value":"start"}]"#)).resource.id
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        _ = try await repo.patch(type: "Patient", id: id, patch: json(#"[{"op":"add","path":"/telecom/-","value":{"system":"phone","value":"\#(n)"}}]"#))
                    }
                }
                try await group.waitForAll()
            }
            let phones = try await repo.read(type: "Patient", id: id).json["telecom"]?.arrayValue?.compactMap { $0["value"]?.stringValue } ?? []
            #expect(phones.sorted() == ((0..<8).map(String.init) + ["start"]).sorted())
            #expect(try await history(repo, id) == 9)
        }
    }
}
