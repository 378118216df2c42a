import FHIRJSON
import SQLKit

/// The one place where resource versions, history and search index rows are written.
extension Repository {
    struct CurrentRow: Sendable {
        var seq: Int64
        var version: Int
        var deleted: Bool
        var content: String
    }

    /// The current row of a resource, locked for update on PostgreSQL.
    func currentRow(_ db: any SQLDatabase, _ type: String, _ id: String, forUpdate: Bool = false) async throws -> CurrentRow? {
        let lock: SQLQueryString = (forUpdate && database.kind == .postgres) ? " FOR UPDATE" : ""
        let rows = try await db.raw("SELECT seq, version_id, deleted, content FROM resources WHERE res_type = \(bind: type) AND res_id = \(bind: id)" + lock).all()
        guard let row = rows.first else { return nil }
        return CurrentRow(seq: try row.decode(column: "seq", as: Int64.self),
                          version: try row.decode(column: "version_id", as: Int.self),
                          deleted: try row.decode(column: "deleted", as: Int.self) != 0,
                          content: try row.decode(column: "content", as: String.self))
    }

    /// Writes a new version of `type/id` with `resource` as content (create or update).
    /// - Parameter expectedVersion: the version the client last saw (`If-Match`); a different current version is a 412.
    func writeVersion(_ db: any SQLDatabase, type: String, id: String, resource: JSON, expectedVersion: Int? = nil,
                      skipUnchanged: Bool = true, now: Instant = .now()) async throws -> WriteOutcome {
        let current = try await currentRow(db, type, id, forUpdate: true)
        if let expectedVersion, current?.version != expectedVersion {
            throw FHIRError(412, "conflict", "Version conflict: \(type)/\(id) is at version \(current.map { String($0.version) } ?? "none"), the request expected \(expectedVersion)")
        }
        if skipUnchanged, let current, !current.deleted, let old = try? JSONParser.parse(current.content),
           Self.contentIgnoringVersion(old) == Self.contentIgnoringVersion(Self.stamp(resource, id: id, version: 0, lastUpdated: "")) {
            let stored = Self.storedResource(type: type, id: id, json: old, deleted: false, version: current.version)
            return WriteOutcome(resource: stored, created: false, unchanged: true)
        }
        let version = (current?.version ?? 0) + 1
        let lastUpdated = now.iso
        let stamped = Self.stamp(resource, id: id, version: version, lastUpdated: lastUpdated)
        let content = stamped.serialized()
        let entries = SearchIndexer.entries(for: stamped, type: type)
        let compartment = SearchIndexer.compartment(of: stamped, type: type, id: id, entries: entries)
        let seq: Int64
        if let current {
            try await db.raw("""
                UPDATE resources SET version_id = \(bind: version), last_updated = \(bind: lastUpdated), deleted = 0,
                  compartment = \(bind: compartment), content = \(bind: content) WHERE seq = \(bind: current.seq)
                """).run()
            try await deleteIndex(db, seq: current.seq)
            seq = current.seq
        } else {
            let rows = try await db.raw("""
                INSERT INTO resources (res_type, res_id, version_id, last_updated, deleted, compartment, content)
                VALUES (\(bind: type), \(bind: id), \(bind: version), \(bind: lastUpdated), 0, \(bind: compartment), \(bind: content)) RETURNING seq
                """).all()
            guard let row = rows.first else { throw FHIRError(500, "exception", "The database returned no row id") }
            seq = try row.decode(column: "seq", as: Int64.self)
        }
        try await db.raw("""
            INSERT INTO resource_history (res_type, res_id, version_id, last_updated, deleted, method, compartment, content)
            VALUES (\(bind: type), \(bind: id), \(bind: version), \(bind: lastUpdated), 0, \(bind: current == nil ? "POST" : "PUT"), \(bind: compartment), \(bind: content))
            """).run()
        try await insertIndex(db, seq: seq, type: type, compartment: compartment, entries: entries)
        let stored = StoredResource(type: type, id: id, versionId: version, lastUpdated: lastUpdated, deleted: false, json: stamped)
        return WriteOutcome(resource: stored, created: current == nil || current?.deleted == true, unchanged: false)
    }

    /// Marks `type/id` deleted (a new version without content in the index). Returns false when there was nothing to delete.
    func deleteVersion(_ db: any SQLDatabase, type: String, id: String, now: Instant = .now()) async throws -> Bool {
        guard let current = try await currentRow(db, type, id, forUpdate: true), !current.deleted else { return false }
        let version = current.version + 1
        let lastUpdated = now.iso
        try await db.raw("UPDATE resources SET version_id = \(bind: version), last_updated = \(bind: lastUpdated), deleted = 1 WHERE seq = \(bind: current.seq)").run()
        try await db.raw("""
            INSERT INTO resource_history (res_type, res_id, version_id, last_updated, deleted, method, compartment, content)
            VALUES (\(bind: type), \(bind: id), \(bind: version), \(bind: lastUpdated), 1, 'DELETE', NULL, NULL)
            """).run()
        try await deleteIndex(db, seq: current.seq)
        return true
    }

    func deleteIndex(_ db: any SQLDatabase, seq: Int64) async throws {
        for table in Migrations.indexTables {
            try await db.raw("DELETE FROM \(ident: table) WHERE seq = \(bind: seq)").run()
        }
    }

    /// Inserts index rows grouped by table, many rows per statement.
    func insertIndex(_ db: any SQLDatabase, seq: Int64, type: String, compartment: String?, entries: [IndexEntry]) async throws {
        var byTable: [String: [SQLQueryString]] = [:]
        let c = Self.sqlValue(compartment)
        for e in entries {
            let row: SQLQueryString
            switch e {
            case let .string(p, n, x): row = "(\(bind: seq), \(bind: type), \(bind: p), \(c), \(bind: n), \(bind: x))"
            case let .token(p, s, code, t): row = "(\(bind: seq), \(bind: type), \(bind: p), \(c), \(Self.sqlValue(s)), \(Self.sqlValue(code)), \(Self.sqlValue(t)))"
            case let .date(p, lo, hi): row = "(\(bind: seq), \(bind: type), \(bind: p), \(c), \(bind: lo), \(bind: hi))"
            case let .number(p, v): row = "(\(bind: seq), \(bind: type), \(bind: p), \(c), \(bind: v))"
            case let .quantity(p, v, s, code): row = "(\(bind: seq), \(bind: type), \(bind: p), \(c), \(bind: v), \(Self.sqlValue(s)), \(Self.sqlValue(code)))"
            case let .reference(p, tt, tid, url): row = "(\(bind: seq), \(bind: type), \(bind: p), \(c), \(Self.sqlValue(tt)), \(Self.sqlValue(tid)), \(Self.sqlValue(url)))"
            case let .uri(p, v): row = "(\(bind: seq), \(bind: type), \(bind: p), \(c), \(bind: v))"
            }
            byTable[e.table, default: []].append(row)
        }
        let columns: [String: String] = [
            "sp_string": "norm, exact", "sp_token": "system, code, text", "sp_date": "lo, hi", "sp_number": "value",
            "sp_quantity": "value, system, code", "sp_reference": "target_type, target_id, url", "sp_uri": "value",
        ]
        for (table, rows) in byTable {
            guard let cols = columns[table] else { continue }
            var start = 0
            while start < rows.count {
                let chunk = rows[start..<min(start + 400, rows.count)]
                let sql: SQLQueryString = "INSERT INTO \(ident: table) (seq, res_type, param, compartment, \(unsafeRaw: cols)) VALUES "
                    + Array(chunk).joined(separator: ", ")
                try await db.raw(sql).run()
                start += 400
            }
        }
    }

    static func sqlValue(_ s: String?) -> SQLQueryString {
        guard let s else { return "NULL" }
        return "\(bind: s)"
    }

    static func storedResource(type: String, id: String, json: JSON, deleted: Bool, version: Int? = nil) -> StoredResource {
        let meta = json["meta"]
        let v = version ?? meta?["versionId"]?.stringValue.flatMap(Int.init) ?? 0
        return StoredResource(type: type, id: id, versionId: v, lastUpdated: meta?["lastUpdated"]?.stringValue ?? "", deleted: deleted, json: json)
    }

    // MARK: - Reference integrity

    /// Every relative literal reference (`Type/id`) in `resource`, with its location.
    static func literalReferences(in resource: JSON, path: String) -> [(reference: ReferenceParser.Parsed, location: String)] {
        var out: [(ReferenceParser.Parsed, String)] = []
        func walk(_ node: JSON, _ path: String, inContained: Bool) {
            switch node {
            case .object(let o):
                if let ref = o["reference"]?.stringValue, !ref.contains("://"), !ref.hasPrefix("#"), !ref.hasPrefix("urn:"),
                   !ref.contains("?"), let parsed = ReferenceParser.parse(ref) {
                    out.append((parsed, path + ".reference"))
                }
                for m in o where m.key != "contained" { walk(m.value, path + "." + m.key, inContained: inContained) }
            case .array(let items):
                for (i, item) in items.enumerated() { walk(item, path + "[\(i)]", inContained: inContained) }
            default: return
            }
        }
        walk(resource, path, inContained: false)
        return out
    }

    /// Throws 422 naming each reference whose target does not exist (or is deleted).
    func checkReferences(_ db: any SQLDatabase, _ resources: [(json: JSON, location: String)]) async throws {
        var wanted: [String: Set<String>] = [:]
        var refs: [(ReferenceParser.Parsed, String)] = []
        for (json, location) in resources {
            for (r, loc) in Self.literalReferences(in: json, path: location) {
                wanted[r.type, default: []].insert(r.id)
                refs.append((r, loc))
            }
        }
        guard !refs.isEmpty else { return }
        var existing = Set<String>()
        for (type, ids) in wanted {
            let list = Array(ids)
            var start = 0
            while start < list.count {
                let chunk = Array(list[start..<min(start + 500, list.count)])
                let rows = try await db.raw("SELECT res_id FROM resources WHERE res_type = \(bind: type) AND deleted = 0 AND res_id IN (\(binds: chunk))").all()
                for row in rows { existing.insert(type + "/" + (try row.decode(column: "res_id", as: String.self))) }
                start += 500
            }
        }
        let missing = refs.filter { !existing.contains($0.0.type + "/" + $0.0.id) }
        if !missing.isEmpty {
            throw FHIRError(status: 422, issues: missing.map {
                OutcomeIssue(code: "not-found", diagnostics: "The referenced resource \($0.0.type)/\($0.0.id) does not exist", expression: $0.1)
            })
        }
    }
}
