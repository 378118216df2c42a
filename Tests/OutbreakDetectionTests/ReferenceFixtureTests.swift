import Foundation
import Testing
@testable import OutbreakDetection

/// Compares the Swift algorithms with the results of R's surveillance 1.20.3 committed under
/// `Fixtures/` (regenerate with `Rscript Scripts/surveillance_reference.R fixtures`).
@Suite("R surveillance reference fixtures")
struct ReferenceFixtureTests {
    @Test("the fixtures are present")
    func fixturesPresent() {
        #expect(Fixtures.cases.count >= 94, "manifest at \(Fixtures.directory.path) missing or incomplete")
        #expect(Set(Fixtures.cases.map(\.algorithm)) == ["earsC", "algo.farrington", "farringtonFlexible"])
    }

    @Test("same results as R", arguments: Fixtures.cases)
    func matchesR(_ referenceCase: ReferenceCase) throws {
        let mismatches = try ReferenceComparison.compare(referenceCase, in: Fixtures.directory)
        #expect(mismatches.isEmpty, "\(mismatches.count) differences from R, first: \(mismatches.prefix(5).joined(separator: "; "))")
    }
}
