import DatabaseTesting
import FHIRJSON
@testable import FHIRStore
import SQLKit
import Testing

/// Writes of many resources at once take the bulk path (COPY on PostgreSQL) and updates rewrite only the index rows
/// of the parameters that changed; both must store exactly what the one-by-one path stores.
@Suite struct BulkWriteTests {
    /// Names with every character COPY's text format escapes, and Cyrillic.
    static let awkward = ["Tab\there", "Line\nbreak", "Back\\slash", "Carriage\rreturn", "Quote\"d", "Әлібекова", "\\N"]

    static func indexRows(_ repo: Repository, _ ids: [String], param: String? = nil) async throws -> Int {
        try await repo.database.read { sql in
            var total = 0
            for table in Migrations.indexTables {
                var query: SQLQueryString = "SELECT COUNT(*) AS n FROM \(ident: table) t JOIN resources r ON r.seq = t.seq WHERE r.res_type = 'Patient' AND r.res_id IN (\(binds: ids))"
                if let param { query = query + " AND t.param = \(bind: param)" }
                total += try await sql.raw(query).first()?.decode(column: "n", as: Int.self) ?? 0
            }
            return total
        }
    }

    @Test(arguments: TestDatabase.available)
    func manyResourcesInOneWriteReadBackAndAreFound(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let families = (0..<40).map { Self.awkward[$0 % Self.awkward.count] + " \($0)" }
            let written = try await repo.transaction { tx in
                try await tx.write(families.map { family in
                    .init("Patient", ["resourceType": "Patient", "name": [["family": .string(family), "given": ["Aigerim"]]], "birthDate": "1984-02-29"])
                })
            }
            #expect(written.count == 40)
            for (family, stored) in zip(families, written) {
                let read = try await repo.read(type: "Patient", id: stored.id)
                #expect(read.json["name"]?[0]?["family"]?.stringValue == family)
                #expect(read.versionId == 1)
                let v1 = try await repo.vread(type: "Patient", id: stored.id, version: "1")
                #expect(v1.json["name"]?[0]?["family"]?.stringValue == family)
            }
            #expect(ids(try await search(repo, "Patient", "family:exact=Back%5C%5Cslash%209")).count == 1)
            #expect(ids(try await search(repo, "Patient", "family=%D3%99%D0%BB%D1%96%D0%B1%D0%B5%D0%BA&_count=100")).count == 5)
            #expect(ids(try await search(repo, "Patient", "birthdate=1984-02-29&_count=100")).count == 40)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anUpdateRewritesOnlyTheChangedParameters(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let first = try await repo.transaction { tx in
                try await tx.write((0..<20).map { .init("Patient", patient(family: "Before\($0)", birthDate: "1970-01-0\($0 % 9 + 1)")) })
            }
            let ids20 = first.map(\.id)
            let rowsBefore = try await Self.indexRows(repo, ids20)
            // Half change their family name, all get a telecom; 20 writes take the bulk path.
            let second = try await repo.transaction { tx in
                try await tx.write(first.enumerated().map { i, p in
                    var o = p.json.objectValue ?? JSONObject()
                    if i % 2 == 0 { o["name"] = [["family": .string("After\(i)"), "given": ["Aigerim"]]] }
                    o["telecom"] = [["system": "phone", "value": .string("+7700000\(i)")]]
                    return .init("Patient", id: p.id, .object(o))
                })
            }
            #expect(second.allSatisfy { $0.versionId == 2 })
            #expect(ids(try await search(repo, "Patient", "family=Before&_count=100")).count == 10)
            #expect(ids(try await search(repo, "Patient", "family=After&_count=100")).count == 10)
            #expect(ids(try await search(repo, "Patient", "telecom=%2B77000003")).count == 1)
            #expect(ids(try await search(repo, "Patient", "birthdate=1970-01-01&_count=100")).count == 3)
            // Exactly one family row per patient and the unchanged rows not duplicated: the new telecom adds rows.
            #expect(try await Self.indexRows(repo, ids20, param: "family") == 20)
            #expect(try await Self.indexRows(repo, ids20, param: "birthdate") == 20)
            let telecomRows = try await Self.indexRows(repo, ids20, param: "telecom")
            let rowsAfter = try await Self.indexRows(repo, ids20)
            #expect(telecomRows == 20)
            #expect(rowsAfter - rowsBefore == telecomRows)
            // One at a time (the ordinary path) gives the same index as the bulk path.
            let one = try await repo.update(type: "Patient", id: ids20[1], resource: {
                var o = second[1].json.objectValue ?? JSONObject()
                o["name"] = [["family": "Single", "given": ["Aigerim"]]]
                return .object(o)
            }())
            #expect(one.resource.versionId == 3)
            #expect(ids(try await search(repo, "Patient", "family=Single")) == [ids20[1]])
            #expect(try await Self.indexRows(repo, ids20, param: "family") == 20)
            // An element removed takes its rows with it; the others stay.
            _ = try await repo.update(type: "Patient", id: ids20[3], resource: {
                var o = second[3].json.objectValue ?? JSONObject()
                o["telecom"] = nil
                return .object(o)
            }())
            #expect(ids(try await search(repo, "Patient", "telecom=%2B77000003")).isEmpty)
            #expect(try await Self.indexRows(repo, ids20, param: "telecom") == 19)
            #expect(try await Self.indexRows(repo, ids20, param: "family") == 20)
        }
    }

    @Test(arguments: TestDatabase.available)
    func anUpdateThatMovesAResourceToAnotherPatientReindexesIt(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let a = try await repo.create(type: "Patient", resource: patient(family: "A", birthDate: "1980-01-01")).resource.id
            let b = try await repo.create(type: "Patient", resource: patient(family: "B", birthDate: "1980-01-02")).resource.id
            func observation(_ subject: String, _ code: String) -> JSON {
                ["resourceType": "Observation", "status": "final", "code": ["coding": [["system": "http://loinc.org", "code": .string(code)]]],
                 "subject": ["reference": .string("Patient/\(subject)")]]
            }
            let o = try await repo.create(type: "Observation", resource: observation(a, "8867-4")).resource.id
            // Only the subject changes: the compartment moves from A to B, so every row is rewritten.
            _ = try await repo.update(type: "Observation", id: o, resource: {
                var json = observation(b, "8867-4").objectValue ?? JSONObject(); json["id"] = .string(o); return .object(json)
            }())
            #expect(ids(try await search(repo, "Observation", "subject=Patient/\(a)")).isEmpty)
            #expect(ids(try await search(repo, "Observation", "subject=Patient/\(b)&code=8867-4")) == [o])
            let compartments = try await repo.database.read { sql in
                try await sql.raw("SELECT DISTINCT t.compartment FROM sp_token t JOIN resources r ON r.seq = t.seq WHERE r.res_id = \(bind: o)").all()
                    .map { try $0.decode(column: "compartment", as: String?.self) }
            }
            #expect(compartments == [b])
        }
    }
}
