import DatabaseTesting
import FHIRDefinitions
import FHIRJSON
@testable import FHIRStore
import Foundation
import Testing

/// The patient's record across types: compartment search (`Patient/[id]/[type]`) and `Patient/[id]/$everything`,
/// and `$validate`, which checks what a write would without writing.
@Suite struct PatientRecordTests {
    struct World {
        var aigerim = "", bolat = "", practitioner = "", clinic = "", encounter = ""
        var aigerimRecord: Set<String> = []
    }

    /// Two patients with records; Aigerim's encounter names a practitioner and a clinic (outside any compartment).
    static func load(_ repo: Repository) async throws -> World {
        var w = World()
        w.clinic = try await repo.create(type: "Organization", resource: json(#"{"resourceType":"Organization","name":"Emhana 7"}"#)).resource.id
        w.practitioner = try await repo.create(type: "Practitioner", resource: json(#"{"resourceType":"Practitioner","name":[{"family":"Seitova"}]}"#)).resource.id
        w.aigerim = try await repo.create(type: "Patient", resource: patient(family: "Aitova")).resource.id
        w.bolat = try await repo.create(type: "Patient", resource: patient(family: "Bolatov", given: "Bolat", gender: "male")).resource.id
        w.aigerimRecord = ["Patient/" + w.aigerim]
        w.encounter = try await repo.create(type: "Encounter", resource: json(#"""
            {"resourceType":"Encounter","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},
             "subject":{"reference":"Patient/\#(w.aigerim)"},"serviceProvider":{"reference":"Organization/\#(w.clinic)"},
             "participant":[{"individual":{"reference":"Practitioner/\#(w.practitioner)"}}]}
            """#)).resource.id
        w.aigerimRecord.insert("Encounter/" + w.encounter)
        for (who, code) in [(w.aigerim, "8867-4"), (w.aigerim, "2339-0"), (w.aigerim, "8867-4"), (w.bolat, "8867-4")] {
            let id = try await repo.create(type: "Observation", resource: json(#"""
                {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"\#(code)"}]},
                 "subject":{"reference":"Patient/\#(who)"},"performer":[{"reference":"Practitioner/\#(w.practitioner)"}]}
                """#)).resource.id
            if who == w.aigerim { w.aigerimRecord.insert("Observation/" + id) }
        }
        _ = try await repo.create(type: "Condition", resource: json(#"{"resourceType":"Condition","subject":{"reference":"Patient/\#(w.bolat)"},"code":{"text":"J06.9"}}"#))
        return w
    }

    /// Entries carry the stored text verbatim, as a response does: read back through the serialised bundle.
    static func entries(_ bundle: JSON, mode: String) -> [String] {
        let bundle = (try? JSONParser.parse(bundle.serialized())) ?? .null
        return (bundle["entry"]?.arrayValue ?? []).filter { $0["search"]?["mode"]?.stringValue == mode }.compactMap { e in
            guard let type = e["resource"]?["resourceType"]?.stringValue, let id = e["resource"]?["id"]?.stringValue else { return nil }
            return type + "/" + id
        }
    }

    static func link(_ bundle: JSON, _ relation: String) -> String? {
        bundle["link"]?.arrayValue?.first { $0["relation"]?.stringValue == relation }?["url"]?.stringValue
    }

    static func query(of url: String) -> [(String, String)] {
        SearchRequest.parseQuery(url.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init) ?? "")
    }

    @Test(arguments: TestDatabase.available)
    func compartmentSearchStaysInsideThePatientsRecord(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await Self.load(repo)
            let all = try await repo.search(type: "Observation", parameters: [], baseURL: base, compartment: w.aigerim)
            #expect(Set(ids(all).map { "Observation/" + $0 }) == w.aigerimRecord.filter { $0.hasPrefix("Observation/") })
            // Criteria apply inside the compartment; the links keep the compartment's path.
            let page = try await repo.search(type: "Observation", parameters: [("code", "http://loinc.org|8867-4"), ("_count", "1")], baseURL: base, compartment: w.aigerim)
            #expect(page["total"]?.numberLiteral == "2")
            let next = try #require(Self.link(page, "next"))
            #expect(next.hasPrefix("\(base)/Patient/\(w.aigerim)/Observation?"))
            let second = try await repo.search(type: "Observation", parameters: Self.query(of: next), baseURL: base, compartment: w.aigerim)
            #expect(Set(ids(page) + ids(second)).count == 2)
            #expect(ids(try await repo.search(type: "Condition", parameters: [], baseURL: base, compartment: w.aigerim)).isEmpty)
            #expect(ids(try await repo.search(type: "Condition", parameters: [], baseURL: base, compartment: w.bolat)).count == 1)
            // A type outside the compartment, or a malformed id, is a 400 naming it.
            await #expect(throws: FHIRError.self) { _ = try await repo.search(type: "Organization", parameters: [], baseURL: base, compartment: w.aigerim) }
            await expectFHIRError(400, "a malformed patient id") {
                _ = try await repo.search(type: "Observation", parameters: [], baseURL: base, compartment: "no/such id")
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func everythingIsTheWholeRecordOnceInPages(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await Self.load(repo)
            let whole = try await repo.everything(patient: w.aigerim, parameters: [], baseURL: base)
            #expect(Set(Self.entries(whole, mode: "match")) == w.aigerimRecord)
            #expect(Self.entries(whole, mode: "match").first == "Patient/" + w.aigerim)
            #expect(whole["total"]?.numberLiteral == String(w.aigerimRecord.count))
            // What the record references outside any compartment comes along, once.
            #expect(Self.entries(whole, mode: "include").sorted() == ["Organization/" + w.clinic, "Practitioner/" + w.practitioner].sorted())
            #expect(Self.link(whole, "next") == nil)

            // Pages of two, followed by their next links: every resource exactly once.
            var seen: [String] = []
            var parameters: [(String, String)] = [("_count", "2")]
            var pages = 0
            while true {
                let page = try await repo.everything(patient: w.aigerim, parameters: parameters, baseURL: base)
                seen += Self.entries(page, mode: "match")
                pages += 1
                guard let next = Self.link(page, "next") else { break }
                #expect(next.hasPrefix("\(base)/Patient/\(w.aigerim)/$everything?"))
                parameters = Self.query(of: next)
                #expect(pages < 10, "paging does not end")
                if pages >= 10 { break }
            }
            #expect(seen.count == w.aigerimRecord.count && Set(seen) == w.aigerimRecord)
            #expect(pages == (w.aigerimRecord.count + 1) / 2)

            // _type narrows the types; _since the time of change.
            let observations = try await repo.everything(patient: w.aigerim, parameters: [("_type", "Observation")], baseURL: base)
            #expect(Set(Self.entries(observations, mode: "match")) == w.aigerimRecord.filter { $0.hasPrefix("Observation/") })
            try await Task.sleep(for: .milliseconds(20))
            let since = Instant.now().iso
            try await Task.sleep(for: .milliseconds(20))
            let changed = try await repo.create(type: "Observation", resource: json(#"{"resourceType":"Observation","status":"final","code":{"text":"later"},"subject":{"reference":"Patient/\#(w.aigerim)"}}"#)).resource.id
            let recent = try await repo.everything(patient: w.aigerim, parameters: [("_since", since)], baseURL: base)
            #expect(Self.entries(recent, mode: "match") == ["Observation/" + changed])
        }
    }

    /// `start` and `end` select by care date (an encounter's period, an observation's effective time, a
    /// prescription's authoring …); a dated resource without a date is out, a type that has none is always in.
    @Test(arguments: TestDatabase.available)
    func everythingBetweenCareDates(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let p = try await repo.create(type: "Patient", resource: patient(family: "Sadykova")).resource.id
            func add(_ type: String, _ body: String) async throws -> String {
                let id = try await repo.create(type: type, resource: json(#"{"resourceType":"\#(type)","subject":{"reference":"Patient/\#(p)"},\#(body)}"#)).resource.id
                return type + "/" + id
            }
            let amb = #""status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"}"#
            let visit2020 = try await add("Encounter", amb + #","period":{"start":"2020-03-01T09:00:00+05:00","end":"2020-03-02T10:00:00+05:00"}"#)
            let visit2023 = try await add("Encounter", amb + #","period":{"start":"2023-02-01T09:00:00+05:00","end":"2023-02-01T09:30:00+05:00"}"#)
            let pressure2020 = try await add("Observation", #""status":"final","code":{"text":"BP"},"effectiveDateTime":"2020-05-01""#)
            let pressure2023 = try await add("Observation", #""status":"final","code":{"text":"BP"},"effectiveDateTime":"2023-02-01T09:10:00+05:00""#)
            let undated = try await add("Observation", #""status":"final","code":{"text":"no date"}"#)
            let asthma = try await add("Condition", #""code":{"text":"J45"},"onsetDateTime":"2019-06""#)
            let prescription = try await add("MedicationRequest", #""status":"active","intent":"order","medicationCodeableConcept":{"text":"salbutamol"},"authoredOn":"2023-02-01""#)
            let mother = "RelatedPerson/" + (try await repo.create(type: "RelatedPerson", resource: json(#"{"resourceType":"RelatedPerson","patient":{"reference":"Patient/\#(p)"}}"#)).resource.id)
            let always: Set<String> = ["Patient/" + p, mother]
            func record(_ parameters: [(String, String)]) async throws -> Set<String> {
                let bundle = try await repo.everything(patient: p, parameters: parameters, baseURL: base)
                let found = Self.entries(bundle, mode: "match")
                #expect(bundle["total"]?.numberLiteral == String(found.count), "the total counts what the range selects")
                return Set(found)
            }
            #expect(try await record([]) == always.union([visit2020, visit2023, pressure2020, pressure2023, undated, asthma, prescription]))
            #expect(try await record([("start", "2021")]) == always.union([visit2023, pressure2023, prescription]))
            #expect(try await record([("end", "2020")]) == always.union([visit2020, pressure2020, asthma]))
            // A day inside a two-day encounter: the encounter overlaps it.
            #expect(try await record([("start", "2020-03-02"), ("end", "2020-03-02")]) == always.union([visit2020]))
            #expect(try await record([("start", "2023-02-01"), ("end", "2023-02-01"), ("_type", "Observation,MedicationRequest")]) == [pressure2023, prescription])
            // The range stays on the next link: paging through it gives the same set.
            var seen: [String] = []
            var parameters: [(String, String)] = [("start", "2021"), ("_count", "2")]
            for _ in 0..<5 {
                let page = try await repo.everything(patient: p, parameters: parameters, baseURL: base)
                seen += Self.entries(page, mode: "match")
                guard let next = Self.link(page, "next") else { break }
                parameters = Self.query(of: next)
            }
            #expect(seen.count == 5 && Set(seen) == always.union([visit2023, pressure2023, prescription]))
        }
    }

    /// `_typeFilter` narrows the types it names to what its searches match (several widen each other); other types
    /// are not filtered; a filter that is not a search, or of a type `_type` leaves out, is a 400 naming it.
    @Test(arguments: TestDatabase.available)
    func everythingWithTypeFilters(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await Self.load(repo)
            func matches(_ parameters: [(String, String)]) async throws -> Set<String> {
                Set(Self.entries(try await repo.everything(patient: w.aigerim, parameters: parameters, baseURL: base), mode: "match"))
            }
            let all = try await matches([("_type", "Observation")])
            let heartRates = try await matches([("_type", "Observation"), ("_typeFilter", "Observation?code=http://loinc.org|8867-4")])
            #expect(heartRates.count == 2 && heartRates.isSubset(of: all))
            let glucose = try await matches([("_typeFilter", "Observation?code=http://loinc.org|2339-0")])
            #expect(glucose == w.aigerimRecord.subtracting(heartRates))
            #expect(try await matches([("_typeFilter", "Observation?code=http://loinc.org|8867-4,Observation?code=2339-0")]) == w.aigerimRecord)
            let glucoseObservation = glucose.filter { $0.hasPrefix("Observation/") }
            #expect(glucoseObservation.count == 1)
            #expect(try await matches([("_typeFilter", "Observation?code=8867-4"), ("_typeFilter", "Encounter?status=planned")])
                    == w.aigerimRecord.subtracting(glucoseObservation).filter { !$0.hasPrefix("Encounter/") })
            // A comma inside a query's value (OR), sent as %2C, stays in it.
            #expect(try await matches([("_typeFilter", "Observation?code=8867-4%2C2339-0")]) == w.aigerimRecord)
            do {
                _ = try await repo.everything(patient: w.aigerim, parameters: [("_type", "Encounter"), ("_typeFilter", "Observation?code=8867-4,Encounter?_sort=date,Encounter?nonsense=1,Organization?name=x"), ("_typeFilter", "Encounter")], baseURL: base)
                Issue.record("bad filters were accepted")
            } catch let error as FHIRError {
                #expect(error.status == 400)
                #expect(error.issues.count == 5 && error.issues.allSatisfy { $0.expression == "_typeFilter" })
            }
        }
    }

    /// Every care-date parameter is a date parameter of its type, and every type of patient data the server keeps
    /// either has one or is named here as having none.
    @Test func everyTypeOfPatientDataHasACareDateOrNoneOnPurpose() {
        for (type, code) in CareDate.parameters {
            #expect(CareDate.parameter(of: type) == code, "\(type).\(code) is not a date search parameter")
        }
        let undated = Set(ResourceTypes.supported.filter { AccessScope.isPatientData($0) && CareDate.parameter(of: $0) == nil })
        #expect(undated == ["Patient", "RelatedPerson", "SupplyDelivery"])
    }

    @Test(arguments: TestDatabase.available)
    func everythingRefusesWhatItCannotDoAndWhatTheCallerMayNotSee(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await Self.load(repo)
            // Unsupported parameters are named, not ignored: a wider record than asked for must not go out.
            do {
                _ = try await repo.everything(patient: w.aigerim, parameters: [("start", "2020-13-01"), ("_type", "Organization"), ("_count", "0"), ("_typeFilter", "x")], baseURL: base)
                Issue.record("bad parameters were accepted")
            } catch let error as FHIRError {
                #expect(error.status == 400)
                #expect(Set(error.issues.compactMap(\.expression)) == ["start", "_type", "_count", "_typeFilter"])
            }
            await expectFHIRError(400, "a range that ends before it starts") {
                _ = try await repo.everything(patient: w.aigerim, parameters: [("start", "2022"), ("end", "2021-12-31")], baseURL: base)
            }
            await expectFHIRError(404, "the record of an unknown patient") {
                _ = try await repo.everything(patient: "nobody", parameters: [], baseURL: base)
            }
            // No patient data: the record is refused as a read of the Patient would be.
            let outsider = AccessScope(read: .none, write: .none, holder: "test outsider")
            await AccessScope.$current.withValue(outsider) {
                await expectFHIRError(403, "a scope without patient data reads a record") {
                    _ = try await repo.everything(patient: w.aigerim, parameters: [], baseURL: base)
                }
            }
            // A scope of some types: the others, and what is referenced outside them, are left out.
            let narrow = AccessScope(read: .all, write: .none, readTypes: .only(["Patient", "Observation"]), holder: "test narrow")
            try await AccessScope.$current.withValue(narrow) {
                let record = try await repo.everything(patient: w.aigerim, parameters: [], baseURL: base)
                #expect(Set(Self.entries(record, mode: "match")) == w.aigerimRecord.filter { !$0.hasPrefix("Encounter/") })
                #expect(Self.entries(record, mode: "include").isEmpty)
            }
        }
    }

    @Test(arguments: TestDatabase.available)
    func validateFindsWhatAWriteWouldAndStoresNothing(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await Self.load(repo)
            let good = json(#"{"resourceType":"Observation","status":"final","code":{"text":"ok"},"subject":{"reference":"Patient/\#(w.aigerim)"}}"#)
            #expect(try await repo.validateOnly(good, type: "Observation", mode: .create, id: nil).isEmpty)
            let bad = json(#"{"resourceType":"Observation","status":"done","code":{"text":"x"},"subject":{"reference":"Patient/nobody"},"colour":"red"}"#)
            let issues = try await repo.validateOnly(bad, type: "Observation", mode: .create, id: nil)
            let locations = Set(issues.compactMap(\.expression))
            #expect(locations.contains("Observation.status"), "\(issues)")
            #expect(locations.contains("Observation.colour"), "\(issues)")
            #expect(locations.contains("Observation.subject.reference") || locations.contains("Observation.subject"), "\(issues)")
            // An update is checked against its URL's id.
            let other = try await repo.validateOnly(good, type: "Observation", mode: .update, id: "abc")
            #expect(other.contains { $0.expression == "id" })
            // Nothing was stored.
            let count = try await repo.search(type: "Observation", parameters: [("_summary", "count")], baseURL: base)
            #expect(count["total"]?.numberLiteral == "4")
        }
    }
}
