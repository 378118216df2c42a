import FHIRJSON
import Testing

/// JSON Patch against the examples of RFC 6902, appendix A, and its error cases.
@Suite struct JSONPatchTests {
    func doc(_ text: String) throws -> JSON { try JSONParser.parse(text) }

    func patched(_ document: String, _ patch: String) throws -> JSON {
        try JSONPatch(doc(patch)).apply(to: doc(document))
    }

    @Test(arguments: [
        // A.1 – A.10, A.14, A.16 of RFC 6902.
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux"}]"#, #"{"baz":"qux","foo":"bar"}"#),
        (#"{"foo":["bar","baz"]}"#, #"[{"op":"add","path":"/foo/1","value":"qux"}]"#, #"{"foo":["bar","qux","baz"]}"#),
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"remove","path":"/baz"}]"#, #"{"foo":"bar"}"#),
        (#"{"foo":["bar","qux","baz"]}"#, #"[{"op":"remove","path":"/foo/1"}]"#, #"{"foo":["bar","baz"]}"#),
        (#"{"baz":"qux","foo":"bar"}"#, #"[{"op":"replace","path":"/baz","value":"boo"}]"#, #"{"baz":"boo","foo":"bar"}"#),
        (#"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#, #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
         #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
        (#"{"foo":["all","grass","cows","eat"]}"#, #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#, #"{"foo":["all","cows","eat","grass"]}"#),
        (#"{"baz":"qux","foo":["a",2,"c"]}"#, #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
         #"{"baz":"qux","foo":["a",2,"c"]}"#),
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#, #"{"foo":"bar","child":{"grandchild":{}}}"#),
        (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#, #"{"foo":"bar","baz":"qux"}"#),
        (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":10}]"#, #"{"/":9,"~1":10}"#),
        (#"{"foo":["bar"]}"#, #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#, #"{"foo":["bar",["abc","def"]]}"#),
        // copy, and a whole-document replace.
        (#"{"a":{"b":1}}"#, #"[{"op":"copy","from":"/a","path":"/c"}]"#, #"{"a":{"b":1},"c":{"b":1}}"#),
        (#"{"a":1}"#, #"[{"op":"replace","path":"","value":{"b":2}}]"#, #"{"b":2}"#),
    ])
    func rfcExamples(document: String, patch: String, expected: String) throws {
        #expect(try patched(document, patch) == doc(expected))
    }

    @Test func operationsThatDoNotApplySayWhichAndWhy() throws {
        // A.9: a failed test; A.12: adding to a member that does not exist; A.15: comparing strings and numbers.
        let cases: [(String, String, Int, String)] = [
            (#"{"baz":"qux"}"#, #"[{"op":"test","path":"/baz","value":"bar"}]"#, 0, "value"),
            (#"{"foo":"bar"}"#, #"[{"op":"add","path":"/baz","value":1},{"op":"add","path":"/baz/bat","value":"qux"}]"#, 1, "path"),
            (#"{"/":9,"~1":10}"#, #"[{"op":"test","path":"/~01","value":"10"}]"#, 0, "value"),
            (#"{"foo":["bar"]}"#, #"[{"op":"remove","path":"/foo/1"}]"#, 0, "path"),
            (#"{"foo":["bar"]}"#, #"[{"op":"add","path":"/foo/01","value":1}]"#, 0, "path"),
            (#"{"foo":1}"#, #"[{"op":"replace","path":"/bar","value":1}]"#, 0, "path"),
        ]
        for (document, patch, operation, member) in cases {
            do {
                _ = try patched(document, patch)
                Issue.record("\(patch) applied to \(document)")
            } catch let failure as JSONPatch.Failure {
                #expect(failure.operation == operation && failure.member == member && !failure.malformed, "\(failure)")
            }
        }
    }

    @Test func malformedPatchesAreRefusedBeforeAnythingApplies() throws {
        let cases: [(String, String?)] = [
            (#"{"op":"add","path":"/a","value":1}"#, nil),                       // not an array
            (#"[{"op":"add","path":"/a","value":1},{"op":"frobnicate","path":"/a"}]"#, "[1].op"),
            (#"[{"op":"add","path":"a","value":1}]"#, "[0].path"),                 // no leading slash
            (#"[{"op":"add","path":"/a~2","value":1}]"#, "[0].path"),              // bad escape
            (#"[{"op":"add","path":"/a"}]"#, "[0].value"),
            (#"[{"op":"move","from":"/a","path":"/a/b"}]"#, "[0].from"),           // into its own child
            (#"[{"path":"/a"}]"#, "[0].op"),
        ]
        for (patch, location) in cases {
            do {
                _ = try JSONPatch(doc(patch))
                Issue.record("\(patch) was read")
            } catch let failure as JSONPatch.Failure {
                #expect(failure.malformed && failure.location == location, "\(patch): \(failure)")
            }
        }
    }
}
