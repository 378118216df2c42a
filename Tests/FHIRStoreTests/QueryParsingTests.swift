import FHIRStore
import Foundation
import Testing

/// Query strings are decoded on bytes; Foundation's percent-decoding is the reference.
struct QueryParsingTests {
    static let samples = [
        "identifier=http://densauluq.kz/fhir/sid/iin%7C850601300128",
        "name=%D0%90%D1%85%D0%BC%D0%B5%D1%82%D0%BE%D0%B2&_count=5",   // Ахметов
        "date=ge2024-01-01T00:00:00+05:00",
        "bad=%ZZ&half=%4&tail=%",
        "notutf8=%FF%FE",
        "empty=&novalue&=orphan",
        "plain=a+b%20c",
    ]

    @Test(arguments: samples)
    func urlQueriesDecodeLikeFoundation(_ query: String) {
        let parsed = SearchRequest.parseQuery(query)
        var expected: [(String, String)] = []
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let k = kv[0].removingPercentEncoding ?? kv[0]
            if k.isEmpty { continue }
            expected.append((k, kv.count > 1 ? (kv[1].removingPercentEncoding ?? kv[1]) : ""))
        }
        #expect(parsed.map { "\($0.0)=\($0.1)" } == expected.map { "\($0.0)=\($0.1)" })
    }

    @Test func formBodiesTakePlusAsSpace() {
        #expect(SearchRequest.parseQuery("family=Ahmetov+Kim&given=A%2BB", formEncoded: true).map { $0.1 } == ["Ahmetov Kim", "A+B"])
        #expect(SearchRequest.parseQuery("date=ge2024-01-01T00:00:00+05:00").first?.1 == "ge2024-01-01T00:00:00+05:00")
    }
}
