import DatabaseTesting
import FHIRJSON
@testable import FHIRStore
import SQLKit
import Testing

/// Reads by id on PostgreSQL run as named prepared statements (`PreparedStatements`); they must return what the
/// unnamed path returns, also once PostgreSQL switches to a generic plan, and a failed statement must not leave a
/// connection that keeps failing.
@Suite struct PreparedStatementTests {
    @Test(arguments: TestDatabase.available(.postgres))
    func readsByIdArePreparedAndAnswerAsBefore(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let written = try await repo.transaction { tx in
                try await tx.write((0..<8).map { .init("Patient", patient(family: "Prepared\($0)")) })
            }
            // More than five runs of one statement: PostgreSQL then plans it once for any values (a generic plan).
            for round in 0..<3 {
                for (i, p) in written.enumerated() {
                    #expect(try await repo.read(type: "Patient", id: p.id).json["name"]?[0]?["family"]?.stringValue == "Prepared\(i)", "round \(round)")
                    #expect(try await repo.readText(type: "Patient", id: p.id).content.contains("Prepared\(i)"))
                    #expect(try await repo.vread(type: "Patient", id: p.id, version: "1").json["name"]?[0]?["family"]?.stringValue == "Prepared\(i)")
                }
            }
            await #expect(throws: FHIRError.self) { try await repo.read(type: "Patient", id: "no-such-patient") }
            // On one connection: the statement is prepared once, then executed with each id.
            let (plans, family) = try await repo.database.read(keyLookup: true) { sql -> (Int, String?) in
                var family: String?
                for p in written {
                    family = try await sql.raw("SELECT content FROM resources WHERE res_type = \(bind: "Patient") AND res_id = \(bind: p.id)").first()?
                        .decode(column: "content", as: String.self)
                }
                let plans = try await sql.raw("""
                    SELECT generic_plans + custom_plans AS n FROM pg_prepared_statements
                    WHERE statement = 'SELECT content FROM resources WHERE res_type = $1 AND res_id = $2'
                    """).first()?.decode(column: "n", as: Int.self) ?? 0
                return (plans, family)
            }
            #expect(plans >= written.count)
            #expect(family?.contains("Prepared7") == true)
        }
    }

    @Test(arguments: TestDatabase.available)
    func lookupsByIdentifierArePreparedAndAnswerAsBefore(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let written = try await repo.transaction { tx in
                try await tx.write((0..<7).map { i in
                    .init("Patient", patient(family: "Keyed\(i)", extra: #","identifier":[{"system":"urn:test:mrn","value":"MRN-\#(i)"}]"#))
                })
            }
            for round in 0..<2 {
                for (i, p) in written.enumerated() {
                    #expect(ids(try await search(repo, "Patient", "identifier=urn:test:mrn%7CMRN-\(i)")) == [p.id], "round \(round)")
                    #expect(ids(try await search(repo, "Patient", "identifier=urn:test:mrn%7CMRN-\(i)&_id=\(p.id)")) == [p.id])
                }
                #expect(ids(try await search(repo, "Patient", "identifier=urn:test:mrn%7CMRN-none")).isEmpty)
            }
        }
    }

    @Test func onlyLookupsByKeyArePlannedOnce() throws {
        func lookup(_ query: String) throws -> Bool {
            try SearchRequest(type: "Patient", parameters: SearchRequest.parseQuery(query)).isKeyLookup
        }
        #expect(try lookup("identifier=urn:test:mrn%7C1"))
        #expect(try lookup("_id=abc&identifier=x"))
        #expect(try !lookup("identifier=a,b"))
        #expect(try !lookup("identifier:not=a"))
        #expect(try !lookup("identifier=a&_sort=birthdate"))
        #expect(try !lookup("identifier=a&family=b"))
        #expect(try !lookup("identifier=a&_revinclude=Observation:subject"))
        #expect(try !lookup("family=b"))
        #expect(try !lookup(""))
    }

    /// On SQLite the lookup runs on an inline connection whose failed preparation must not be cached either.
    @Test(arguments: TestDatabase.available)
    func aFailedStatementDoesNotPoisonTheConnection(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let probe: @Sendable () async throws -> Int = {
                try await repo.database.read(keyLookup: true) { sql in
                    try await sql.raw("SELECT COUNT(*) AS n FROM prepared_probe WHERE n > \(bind: 0)").first()?.decode(column: "n", as: Int.self) ?? -1
                }
            }
            // Preparing fails while the table does not exist…
            await #expect(throws: (any Error).self) { _ = try await probe() }
            try await repo.database.transaction { sql in
                try await sql.raw("CREATE TABLE prepared_probe (n INTEGER)").run()
                try await sql.raw("INSERT INTO prepared_probe VALUES (1), (2)").run()
            }
            // …and the same statement succeeds once it does: PostgresNIO would otherwise answer with the remembered
            // error on the connection that saw it; SQLite's cached statement is re-prepared after the schema change.
            for _ in 0..<3 { #expect(try await probe() == 2) }
            try await repo.database.transaction { sql in try await sql.raw("DROP TABLE prepared_probe").run() }
        }
    }

    @Test func bindsWithoutAFixedTypeAreNotPrepared() {
        #expect(PreparedStatements.encode(["a", 1, Int64(2), 1.5, true]) != nil)
        #expect(PreparedStatements.encode(["a", Optional<String>.none]) == nil)
    }
}
