import FHIRJSON
import Testing

@Suite struct JSONTests {
    @Test func keepsNumberLiteralsKeyOrderAndUnicode() throws {
        let text = #"{"b":1.50,"a":[1e3,-0.0,true,null],"name":"Өмірзақ \"Q\" \u00e9\ud83d\ude00","z":{}}"#
        let json = try JSONParser.parse(text)
        #expect(json["b"]?.numberLiteral == "1.50")
        #expect(json.objectValue?.keys == ["b", "a", "name", "z"])
        #expect(json["name"]?.stringValue == "Өмірзақ \"Q\" é😀")
        let again = try JSONParser.parse(json.serialized())
        #expect(again == json)
        #expect(json.serialized().hasPrefix(#"{"b":1.50,"a":[1e3,-0.0,true,null]"#))
    }

    @Test func equalityIgnoresKeyOrderButNotPrecision() throws {
        #expect(try JSONParser.parse(#"{"a":1,"b":2}"#) == JSONParser.parse(#"{"b":2,"a":1}"#))
        #expect(try JSONParser.parse("1.5") != JSONParser.parse("1.50"))
    }

    @Test(arguments: [
        (#"{"a":1,}"#, 1, 8), (#"{"a":01}"#, 1, 7), (#"{"a":1,"a":2}"#, 1, 8), ("[1 2]", 1, 4),
        ("\"tab\there\"", 1, 5), ("{\n\"a\": tru}", 2, 6), (#""\ud800""#, 1, 8), ("", 1, 1),
    ])
    func rejectsInvalidJSONWithPosition(_ text: String, _ line: Int, _ column: Int) {
        do {
            _ = try JSONParser.parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.line == line, "\(text): \(error)")
            #expect(error.column == column, "\(text): \(error)")
        }
    }

    @Test func prettyPrintingRoundTrips() throws {
        let json: JSON = ["resourceType": "Patient", "name": [["given": ["A", "B"]]], "active": true]
        let pretty = json.serialized(pretty: true)
        #expect(pretty.contains("\n  \"name\": ["))
        #expect(try JSONParser.parse(pretty) == json)
    }

    @Test func verbatimTextIsWrittenAsItIsAndComparesByValue() throws {
        let stored = #"{"resourceType":"Patient","id":"p1","birthDate":"1985-06-01"}"#
        let bundle: JSON = ["resourceType": "Bundle", "entry": [["resource": .verbatim(stored)]]]
        #expect(bundle.serialized() == #"{"resourceType":"Bundle","entry":[{"resource":"# + stored + "}]}")
        let parsed = try JSONParser.parse(bundle.serialized(pretty: true))
        #expect(parsed["entry"]?.arrayValue?.first?["resource"]?["id"]?.stringValue == "p1")
        #expect(JSON.verbatim(stored) == (try JSONParser.parse(stored)))
        #expect(JSON.verbatim(stored) != JSON.verbatim(#"{"resourceType":"Patient","id":"p2"}"#))
        #expect(JSON.verbatim("{broken") != JSON.verbatim("{broken ") && JSON.verbatim("{broken") == JSON.verbatim("{broken"))
    }
}
