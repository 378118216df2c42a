import DatabaseTesting
import FHIRJSON
import FHIRStore
import Testing

@Suite struct CRUDTests {
    @Test(arguments: TestDatabase.available)
    func createReadUpdateVreadDelete(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let created = try await repo.create(type: "Patient", resource: patient(family: "Nurlanova"))
            #expect(created.created)
            #expect(created.resource.versionId == 1)
            let id = created.resource.id
            let read = try await repo.read(type: "Patient", id: id)
            #expect(read.json["name"]?.arrayValue?.first?["family"]?.stringValue == "Nurlanova")
            #expect(read.json["meta"]?["versionId"]?.stringValue == "1")

            var changed = read.json.objectValue!
            changed["gender"] = "female"
            changed["birthDate"] = "1991-01-01"
            let updated = try await repo.update(type: "Patient", id: id, resource: .object(changed), ifMatch: "W/\"1\"")
            #expect(updated.resource.versionId == 2)
            #expect(!updated.created)

            // A stale If-Match is a lost update: 412, nothing written.
            await #expect(throws: FHIRError.self) { try await repo.update(type: "Patient", id: id, resource: .object(changed), ifMatch: "W/\"1\"") }
            do { _ = try await repo.update(type: "Patient", id: id, resource: .object(changed), ifMatch: "W/\"1\"") } catch let e as FHIRError { #expect(e.status == 412) }

            let v1 = try await repo.vread(type: "Patient", id: id, version: "1")
            #expect(v1.json["birthDate"]?.stringValue == "1990-04-12")

            // The same content again creates no new version.
            let same = try await repo.update(type: "Patient", id: id, resource: .object(changed))
            #expect(same.unchanged && same.resource.versionId == 2)

            let history = try await repo.history(type: "Patient", id: id, parameters: [], baseURL: base)
            #expect(history["total"]?.numberLiteral == "2")

            try await repo.delete(type: "Patient", id: id)
            do { _ = try await repo.read(type: "Patient", id: id); Issue.record("read after delete succeeded") } catch let e as FHIRError { #expect(e.status == 410) }
            let after = try await repo.history(type: "Patient", id: id, parameters: [], baseURL: base)
            #expect(after["total"]?.numberLiteral == "3")
            #expect(after["entry"]?.arrayValue?.first?["request"]?["method"]?.stringValue == "DELETE")
        }
    }

    @Test(arguments: TestDatabase.available)
    func createOnUpdateAndConditionalOperations(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            var p = patient(family: "Sadykov", gender: "male", extra: #","identifier":[{"system":"urn:test","value":"A-1"}]"#).objectValue!
            p["id"] = "client-chosen-1"
            let put = try await repo.update(type: "Patient", id: "client-chosen-1", resource: .object(p))
            #expect(put.created && put.resource.id == "client-chosen-1")

            // Conditional create finds the existing one instead of creating a duplicate.
            let again = try await repo.create(type: "Patient", resource: patient(family: "Other", extra: #","identifier":[{"system":"urn:test","value":"A-1"}]"#), ifNoneExist: "identifier=urn:test|A-1")
            #expect(again.unchanged && again.resource.id == "client-chosen-1")

            // Conditional update changes the one match.
            let cu = try await repo.conditionalUpdate(type: "Patient", criteria: "identifier=urn:test|A-1",
                                                      resource: patient(family: "Sadykova", extra: #","identifier":[{"system":"urn:test","value":"A-1"}]"#))
            #expect(cu.resource.id == "client-chosen-1" && cu.resource.versionId == 2)
            // … and creates when nothing matches.
            let cc = try await repo.conditionalUpdate(type: "Patient", criteria: "identifier=urn:test|B-2",
                                                      resource: patient(family: "New", extra: #","identifier":[{"system":"urn:test","value":"B-2"}]"#))
            #expect(cc.created)
            let n = try await repo.conditionalDelete(type: "Patient", criteria: "identifier=urn:test|B-2")
            #expect(n == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func invalidWritesReportEveryProblemAndStoreNothing(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let bad = json(#"{"resourceType":"Patient","gender":"f","birthDate":"2023-02-30","nickname":"x","name":{"family":"A"}}"#)
            do {
                _ = try await repo.create(type: "Patient", resource: bad)
                Issue.record("invalid patient accepted")
            } catch let e as FHIRError {
                #expect(e.status == 422)
                let where_ = Set(e.issues.compactMap(\.expression))
                #expect(where_.contains("Patient.gender"))
                #expect(where_.contains("Patient.birthDate"))
                #expect(where_.contains("Patient.nickname"))
                #expect(where_.contains { $0.hasPrefix("Patient.name") })
            }
            // A reference to a resource that does not exist.
            let obs = json(#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/nobody"}}"#)
            do { _ = try await repo.create(type: "Observation", resource: obs); Issue.record("dangling reference accepted") }
            catch let e as FHIRError { #expect(e.status == 422); #expect(e.issues.first?.expression == "Observation.subject.reference") }
            let count = try await search(repo, "Patient", "_summary=count")
            #expect(count["total"]?.numberLiteral == "0")
            let obsCount = try await search(repo, "Observation", "_summary=count")
            #expect(obsCount["total"]?.numberLiteral == "0")
        }
    }
}
