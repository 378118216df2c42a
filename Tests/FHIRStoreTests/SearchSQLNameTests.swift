import DatabaseTesting
@testable import FHIRStore
import SQLKit
import Testing

/// Definition names go into search SQL as literals written by `SearchSQL.name`; SQLKit's own `literal:` is the
/// reference for what each database must receive.
@Suite struct SearchSQLNameTests {
    @Test(arguments: TestDatabase.available)
    func namesAreQuotedAsSQLKitQuotesThem(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let samples = ["Observation", "code-value-quantity", "_lastUpdated", "", "it's", "''", "a'b'c"]
            let pairs = try await repo.database.read { sql in
                samples.map { text in
                    (sql.serialize(SearchSQL.name(text)).sql, sql.serialize(SQLQueryString("\(literal: text)")).sql)
                }
            }
            for (ours, reference) in pairs { #expect(ours == reference) }
            // And the database reads back what was written.
            for text in samples {
                let back = try await repo.database.read { sql in
                    try await sql.raw("SELECT " + SearchSQL.name(text) + " AS t").first()?.decode(column: "t", as: String.self)
                }
                #expect(back == text)
            }
        }
    }
}
