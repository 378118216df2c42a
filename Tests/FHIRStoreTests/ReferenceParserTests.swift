import FHIRJSON
@testable import FHIRStore
import Testing

/// `ReferenceParser.parse` reads a reference's last segments; each form a resource can hold, and what is not one.
struct ReferenceParserTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var reference: String
        var expected: ReferenceParser.Parsed?
        var testDescription: String { reference.isEmpty ? "(empty)" : reference }
    }

    static let cases: [Case] = [
        Case(reference: "Patient/123", expected: .init(type: "Patient", id: "123", version: nil, isAbsolute: false)),
        Case(reference: "Observation/a.b-C9/_history/7", expected: .init(type: "Observation", id: "a.b-C9", version: "7", isAbsolute: false)),
        Case(reference: "http://example.org/fhir/Patient/p1", expected: .init(type: "Patient", id: "p1", version: nil, isAbsolute: true)),
        Case(reference: "https://x.kz/fhir/Encounter/e/_history/2", expected: .init(type: "Encounter", id: "e", version: "2", isAbsolute: true)),
        Case(reference: "/Patient/1", expected: .init(type: "Patient", id: "1", version: nil, isAbsolute: false)),
        // `_history` as the id's type, or with nothing before it, is not a versioned reference.
        Case(reference: "Patient/_history/3", expected: nil),
        Case(reference: "Patient/1/_history/", expected: .init(type: "Patient", id: "1", version: "", isAbsolute: false)),
        Case(reference: "Patient", expected: nil),
        Case(reference: "Patient/", expected: nil),
        Case(reference: "", expected: nil),
        Case(reference: "Unknown/1", expected: nil),
        Case(reference: "Patient/bad id", expected: nil),
        Case(reference: "Patient/" + String(repeating: "x", count: 65), expected: nil),
        Case(reference: "urn:uuid:0f0e", expected: nil),
        Case(reference: "Пациент/1", expected: nil),
    ]

    @Test(arguments: cases)
    func parses(_ c: Case) {
        #expect(ReferenceParser.parse(c.reference) == c.expected)
    }
}

/// `ReferenceWalk` finds every `reference` element with the location a client would write for it.
struct ReferenceWalkTests {
    static let resource: JSON = try! JSONParser.parse(#"""
        {"resourceType":"Encounter","subject":{"reference":"Patient/p"},
         "participant":[{"type":[{"text":"x"}]},{"individual":{"reference":"Practitioner/d","display":"Dr"}}],
         "contained":[{"resourceType":"Location","id":"l","managingOrganization":{"reference":"Organization/o"}}],
         "location":[{"location":{"reference":"#l"}}],"text":{"div":"reference"}}
        """#)

    @Test func findsReferencesWithTheirLocations() {
        var found: [String] = []
        ReferenceWalk.forEach(in: Self.resource, path: "Bundle.entry[3].resource", skipContained: false) { ref, location in
            found.append(ref + " @ " + location())
        }
        #expect(found == [
            "Patient/p @ Bundle.entry[3].resource.subject.reference",
            "Practitioner/d @ Bundle.entry[3].resource.participant[1].individual.reference",
            "Organization/o @ Bundle.entry[3].resource.contained[0].managingOrganization.reference",
            "#l @ Bundle.entry[3].resource.location[0].location.reference",
        ])
    }

    @Test func literalReferencesLeaveOutContainedAndLocalOnes() {
        let refs = Repository.literalReferences(in: Self.resource, path: "Encounter")
        #expect(refs.map { "\($0.reference.type)/\($0.reference.id) @ \($0.location)" } == [
            "Patient/p @ Encounter.subject.reference",
            "Practitioner/d @ Encounter.participant[1].individual.reference",
        ])
    }
}
