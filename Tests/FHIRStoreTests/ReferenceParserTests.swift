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
