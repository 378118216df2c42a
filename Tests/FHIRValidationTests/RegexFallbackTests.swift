// `@testable` needs a build with testing enabled (debug); release test builds skip this file.
#if DEBUG
@testable import FHIRValidation
import Testing

/// Primitives without a hand-written checker fall back to the schema's pattern, compiled anchored.
/// (No R4 primitive needs it today; this keeps the fallback working for future tables.)
@Suite("Pattern fallback")
struct RegexFallbackTests {
    @Test("Patterns are anchored around the whole alternation")
    func anchoring() throws {
        let regex = try #require(CompiledSchema.anchoredRegex("^true|false$"))
        #expect(regex.matches("true"))
        #expect(regex.matches("false"))
        #expect(!regex.matches("truex"))
        #expect(!regex.matches("xfalse"))
        let bare = try #require(CompiledSchema.anchoredRegex("[0-9]+"))
        #expect(bare.matches("123"))
        #expect(!bare.matches("12a"))
    }

    @Test("Every R4 primitive has a hand-written checker, so validation never runs a regex")
    func noRegexNeeded() {
        #expect(CompiledSchema.shared.patterns.isEmpty)
    }
}
#endif
