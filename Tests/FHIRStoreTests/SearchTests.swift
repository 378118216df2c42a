import DatabaseTesting
import FHIRJSON
import FHIRStore
import Testing

@Suite struct SearchTests {
    /// A small fixed data set: three patients, observations with dates, values and codes.
    static func load(_ repo: Repository) async throws -> [String: String] {
        var ids: [String: String] = [:]
        let people: [(String, String, String, String)] = [("Ömirzaq", "Ахметов", "1985-06-01", "male"), ("Aigerim", "Ахметова", "1990-04-12", "female"), ("John", "Smith", "2001-12-31", "male")]
        for (given, family, birth, gender) in people {
            let p = patient(family: family, given: given, birthDate: birth, gender: gender,
                            extra: #","identifier":[{"system":"urn:iin","value":"\#(family)-\#(birth)"}],"address":[{"city":"Almaty"}]"#)
            ids[family] = try await repo.create(type: "Patient", resource: p).resource.id
        }
        let observations: [(String, String, String, String)] = [
            ("Ахметов", "8867-4", "2024-01-10T09:30:00+05:00", "72"),
            ("Ахметов", "8867-4", "2024-03-05", "88.5"),
            ("Ахметова", "8867-4", "2023-12-31", "60"),
            ("Ахметова", "2339-0", "2024-02", "5.4"),
            ("Smith", "2339-0", "2024-02-15T10:00:00Z", "7.1"),
        ]
        for (n, (who, code, when, value)) in observations.enumerated() {
            let o = json(#"{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"\#(code)","display":"code \#(code)"}],"text":"Lab \#(code)"},"subject":{"reference":"Patient/\#(ids[who]!)"},"effectiveDateTime":"\#(when)","valueQuantity":{"value":\#(value),"unit":"u","system":"http://unitsofmeasure.org","code":"u"}}"#)
            ids["obs\(n)"] = try await repo.create(type: "Observation", resource: o).resource.id
        }
        return ids
    }

    @Test(arguments: TestDatabase.available)
    func stringTokenDateReferenceQuantity(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let id = try await Self.load(repo)
            func found(_ type: String, _ q: String) async throws -> Set<String> { Set(ids(try await search(repo, type, q))) }
            // string: prefix, case- and accent-insensitive; :exact; :contains
            #expect(try await found("Patient", "family=ахмет") == [id["Ахметов"]!, id["Ахметова"]!])
            #expect(try await found("Patient", "family:exact=Ахметов") == [id["Ахметов"]!])
            #expect(try await found("Patient", "name:contains=METOVA") == [])
            #expect(try await found("Patient", "given=omirzaq") == [id["Ахметов"]!])
            #expect(try await found("Patient", "address-city=alm").count == 3)
            // token
            #expect(try await found("Patient", "gender=male") == [id["Ахметов"]!, id["Smith"]!])
            #expect(try await found("Patient", "gender:not=male") == [id["Ахметова"]!])
            #expect(try await found("Patient", "identifier=urn:iin|Smith-2001-12-31") == [id["Smith"]!])
            #expect(try await found("Patient", "identifier=|Smith-2001-12-31") == [])
            #expect(try await found("Observation", "code=http://loinc.org|2339-0").count == 2)
            #expect(try await found("Observation", "code:text=lab 2339").count == 2)
            // date prefixes and partial dates
            #expect(try await found("Patient", "birthdate=1990") == [id["Ахметова"]!])
            #expect(try await found("Patient", "birthdate=lt1990-04-12") == [id["Ахметов"]!])
            #expect(try await found("Patient", "birthdate=ge1990-04-12") == [id["Ахметова"]!, id["Smith"]!])
            #expect(try await found("Observation", "date=2024-02") == [id["obs3"]!, id["obs4"]!])
            #expect(try await found("Observation", "date=sa2024-02-20") == [id["obs1"]!])
            #expect(try await found("Observation", "date=eb2024-01-01") == [id["obs2"]!])
            #expect(try await found("Observation", "date=2024-01-10T04:30:00Z") == [id["obs0"]!])   // +05:00 local time
            // AND of two parameters, OR of values
            #expect(try await found("Observation", "subject=Patient/\(id["Ахметов"]!)&date=ge2024-02-01") == [id["obs1"]!])
            #expect(try await found("Observation", "code=8867-4,2339-0&subject=\(id["Smith"]!)") == [id["obs4"]!])
            // several index criteria at once (intersected in one nested sub-select), with a chain, :not, :missing, _id
            #expect(try await found("Observation", "code=8867-4&subject:Patient.gender=male&date=ge2024-02-01") == [id["obs1"]!])
            #expect(try await found("Observation", "code=http://loinc.org|8867-4&subject=\(id["Ахметов"]!)&value-quantity=gt80") == [id["obs1"]!])
            #expect(try await found("Observation", "code=2339-0&subject:missing=false&date=2024-02") == [id["obs3"]!, id["obs4"]!])
            #expect(try await found("Patient", "gender:not=female&family=ахмет&birthdate:missing=false") == [id["Ахметов"]!])
            #expect(try await found("Observation", "_id=\(id["obs4"]!)&code=2339-0&subject=\(id["Smith"]!)") == [id["obs4"]!])
            #expect(try await found("Observation", "_id=\(id["obs4"]!)&code=8867-4&subject=\(id["Smith"]!)") == [])
            #expect(try await search(repo, "Observation", "code=8867-4&subject=\(id["Ахметов"]!)&date=ge2024&_summary=count")["total"] == 2)
            // reference forms and one level of chaining
            #expect(try await found("Observation", "subject:Patient=\(id["Ахметова"]!)").count == 2)
            #expect(try await found("Observation", "patient.family=smith") == [id["obs4"]!])
            #expect(try await found("Observation", "subject:Patient.gender=female").count == 2)
            // quantity and number
            #expect(try await found("Observation", "value-quantity=gt70") == [id["obs0"]!, id["obs1"]!])
            #expect(try await found("Observation", "value-quantity=72|http://unitsofmeasure.org|u") == [id["obs0"]!])
            #expect(try await found("Observation", "value-quantity=5.4") == [id["obs3"]!])
            // :missing and _id
            #expect(try await found("Patient", "deceased:missing=true").count == 3)
            #expect(try await found("Patient", "birthdate:missing=false").count == 3)
            #expect(try await found("Patient", "_id=\(id["Smith"]!)") == [id["Smith"]!])
        }
    }

    @Test(arguments: TestDatabase.available)
    func controlParameters(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let id = try await Self.load(repo)
            // _sort
            let sorted = ids(try await search(repo, "Patient", "_sort=-birthdate"))
            #expect(sorted == [id["Smith"]!, id["Ахметова"]!, id["Ахметов"]!])
            // _include and _revinclude
            let inc = try await search(repo, "Observation", "subject=\(id["Smith"]!)&_include=Observation:subject")
            #expect((inc["entry"]?.arrayValue ?? []).contains { $0["search"]?["mode"]?.stringValue == "include" && $0["resource"]?["id"]?.stringValue == id["Smith"] })
            let rev = try await search(repo, "Patient", "_id=\(id["Ахметов"]!)&_revinclude=Observation:subject")
            #expect((rev["entry"]?.arrayValue ?? []).filter { $0["search"]?["mode"]?.stringValue == "include" }.count == 2)
            // _summary=count, _elements, _total
            let count = try await search(repo, "Observation", "_summary=count")
            #expect(count["total"]?.numberLiteral == "5" && count["entry"] == nil)
            let el = try await search(repo, "Patient", "_elements=gender&_count=1")
            let r = el["entry"]?.arrayValue?.first?["resource"]
            #expect(r?["gender"] != nil && r?["name"] == nil && r?["id"] != nil)
            #expect(try await search(repo, "Patient", "_total=none")["total"] == nil)
            // strict handling: an unknown parameter and bad values are errors naming the parameter
            do { _ = try await search(repo, "Patient", "shoe-size=42&birthdate=yesterday", strict: true); Issue.record("accepted") }
            catch let e as FHIRError { #expect(e.status == 400 && e.issues.count == 2 && e.issues.contains { $0.expression == "shoe-size" }) }
            // lenient (default): a bad value of a known parameter is still an error...
            do { _ = try await search(repo, "Patient", "shoe-size=42&birthdate=yesterday"); Issue.record("accepted") }
            catch let e as FHIRError { #expect(e.status == 400 && e.issues.map(\.expression) == ["birthdate"]) }
            // ...an unknown one is skipped, left out of the self link and reported in an outcome entry
            let lenient = try await search(repo, "Patient", "shoe-size=42&family=Smith")
            #expect(ids(lenient) == [id["Smith"]!])
            let selfLink = lenient["link"]?.arrayValue?.first { $0["relation"]?.stringValue == "self" }?["url"]?.stringValue ?? ""
            #expect(selfLink.contains("family=Smith") && !selfLink.contains("shoe-size"))
            let outcome = lenient["entry"]?.arrayValue?.first { $0["search"]?["mode"]?.stringValue == "outcome" }
            #expect(outcome?["resource"]?["issue"]?.arrayValue?.first?["expression"]?.arrayValue?.first?.stringValue == "shoe-size")
            // conditional interactions are always strict: a skipped criterion would widen the match
            do { _ = try await repo.create(type: "Patient", resource: patient(family: "Cond"), ifNoneExist: "shoe-size=42"); Issue.record("accepted") }
            catch let e as FHIRError { #expect(e.status == 400) }
        }
    }

    @Test(arguments: TestDatabase.available)
    func pagingStaysCorrectWhileOthersWrite(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            for i in 0..<25 { _ = try await repo.create(type: "Patient", resource: patient(family: "Page\(i)")) }
            // The total counts every match, not the page: "Page1" starts 11 names (Page1, Page10…Page19).
            let narrow = try await search(repo, "Patient", "family=Page1&_count=2")
            #expect(narrow["total"]?.numberLiteral == "11" && ids(narrow).count == 2)
            #expect(try await search(repo, "Patient", "family=Page1&_count=20")["total"]?.numberLiteral == "11")
            #expect(try await search(repo, "Patient", "family=Nobody")["total"]?.numberLiteral == "0")
            var seen: [String] = []
            var bundle = try await search(repo, "Patient", "_count=10")
            #expect(bundle["total"]?.numberLiteral == "25")
            var pages = 0
            while true {
                pages += 1
                seen += ids(bundle)
                if pages == 1 {
                    // Others write between pages: a deletion of a seen resource and a new one must not shift or repeat.
                    try await repo.delete(type: "Patient", id: seen[0])
                    _ = try await repo.create(type: "Patient", resource: patient(family: "Late"))
                }
                guard let next = bundle["link"]?.arrayValue?.first(where: { $0["relation"]?.stringValue == "next" })?["url"]?.stringValue,
                      let q = next.split(separator: "?", maxSplits: 1).last else { break }
                bundle = try await search(repo, "Patient", String(q))
                #expect(bundle["total"]?.numberLiteral == "25")   // one deleted, one created
            }
            #expect(pages == 3)
            #expect(Set(seen).count == seen.count)   // no resource twice
            #expect(seen.count == 26)                 // the 25 plus the late one, none skipped
        }
    }
}
