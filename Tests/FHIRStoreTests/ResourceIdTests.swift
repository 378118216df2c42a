import Foundation
@testable import FHIRStore
import Testing

/// Server-assigned ids are valid FHIR ids, unique, and ordered by creation time (UUID version 7).
@Suite struct ResourceIdTests {
    @Test func idsAreTimeOrderedUniqueFHIRIds() throws {
        let t = Date(timeIntervalSince1970: 1_780_000_000)
        let earlier = (0..<5_000).map { _ in ResourceId.make(now: t) }
        let later = (0..<5_000).map { _ in ResourceId.make(now: t.addingTimeInterval(0.001)) }
        #expect(Set(earlier + later).count == 10_000)
        let fhirId = try Regex("^[A-Za-z0-9\\-\\.]{1,64}$")
        for id in earlier.prefix(100) + later.prefix(100) {
            #expect(id.wholeMatch(of: fhirId) != nil)
            #expect(Array(id)[14] == "7", "version 7: \(id)")
            #expect("89ab".contains(Array(id)[19]), "RFC 9562 variant: \(id)")
            #expect(UUID(uuidString: id) != nil)
        }
        // Every id of a later millisecond sorts after every id of an earlier one, as text.
        #expect(earlier.max()! < later.min()!)
        #expect(earlier[0].hasPrefix(String(format: "%08x", UInt64(1_780_000_000_000) >> 16)))
    }
}
