import FHIRJSON
import FHIRDefinitions
import SQLKit
import SQLiteKit

/// The one place where resource versions, history and search index rows are written.
extension Repository {
    struct CurrentRow: Sendable {
        var seq: Int64
        var version: Int
        var deleted: Bool
        var compartment: String?
        var content: String
        /// The content already parsed, when the caller has it.
        var json: JSON? = nil
    }

    /// The current row of a resource, locked for update on PostgreSQL.
    func currentRow(_ db: any SQLDatabase, _ type: String, _ id: String, forUpdate: Bool = false) async throws -> CurrentRow? {
        let lock: SQLQueryString = (forUpdate && database.kind == .postgres) ? " FOR UPDATE" : ""
        let rows = try await db.raw("SELECT seq, version_id, deleted, compartment, content FROM resources WHERE res_type = \(bind: type) AND res_id = \(bind: id)" + lock).all()
        guard let row = rows.first else { return nil }
        return CurrentRow(seq: try row.decode(column: "seq", as: Int64.self),
                          version: try row.decode(column: "version_id", as: Int.self),
                          deleted: try row.decode(column: "deleted", as: Int.self) != 0,
                          compartment: try row.decode(column: "compartment", as: String?.self),
                          content: try row.decode(column: "content", as: String.self))
    }

    /// One resource version to write.
    struct PendingWrite: Sendable {
        var type: String
        var id: String
        var resource: JSON
        /// `If-Match`: the version the client last saw; a different current version is a 412.
        var expectedVersion: Int?
        /// The id was just minted by the server, so there is no current row to look up.
        var knownNew = false
        /// Write nothing when the content equals the current version's.
        var skipUnchanged = true
        /// Where the resource is in the request (`Bundle.entry[3].resource`), for errors.
        var location: String?
        /// The current row, when the caller read it locked in this transaction.
        var current: CurrentRow? = nil
    }

    /// Writes a new version of `type/id` with `resource` as content (create or update).
    func writeVersion(_ db: any SQLDatabase, type: String, id: String, resource: JSON, expectedVersion: Int? = nil,
                      skipUnchanged: Bool = true, now: Instant = .now()) async throws -> WriteOutcome {
        let outcomes = try await writeVersions(db, [PendingWrite(type: type, id: id, resource: resource, expectedVersion: expectedVersion, skipUnchanged: skipUnchanged)], now: now)
        guard let first = outcomes.first else { throw FHIRError(500, "exception", "No write outcome") }
        return first
    }

    /// Writes many versions with a handful of multi-row statements (a 500-entry bundle takes tens of statements,
    /// not thousands): looks up current rows, inserts new resources, updates existing ones, appends history and
    /// replaces their search index rows.
    func writeVersions(_ db: any SQLDatabase, _ writes: [PendingWrite], now: Instant = .now()) async throws -> [WriteOutcome] {
        var seen = Set<String>()
        for w in writes where !seen.insert(w.type + "/" + w.id).inserted {
            throw FHIRError(400, "invalid", "\(w.type)/\(w.id) is written twice in one request")
        }
        if !ServiceWrites.active { try Self.checkServiceWrites(writes) }
        let scope = AccessScope.current
        var writes = writes
        if !scope.isUnrestricted {
            for w in writes { try scope.checkWritable(w.type, location: w.location) }
            if let owner = scope.owner {
                for k in writes.indices { writes[k].resource = Self.withSource(writes[k].resource, owner) }
            }
        }
        var current = try await currentRows(db, writes.filter { !$0.knownNew && $0.current == nil })
        for w in writes { if let row = w.current { current[w.type + "/" + w.id] = row } }
        if !scope.isUnrestricted {
            try await checkExisting(db, scope, writes.compactMap { w in current[w.type + "/" + w.id].map { (w, $0) } })
        }
        let lastUpdated = now.iso
        var outcomes: [WriteOutcome?] = Array(repeating: nil, count: writes.count)
        struct Prepared { var index: Int; var write: PendingWrite; var version: Int; var content: String; var json: JSON; var entries: [IndexEntry]; var oldEntries: [IndexEntry]?; var compartment: String?; var existing: CurrentRow? }
        var prepared: [Prepared] = []
        for (i, w) in writes.enumerated() {
            let existing = current[w.type + "/" + w.id]
            if let expected = w.expectedVersion, existing?.version != expected {
                throw FHIRError(412, "conflict", "Version conflict: \(w.type)/\(w.id) is at version \(existing.map { String($0.version) } ?? "none"), the request expected \(expected)")
            }
            let old = existing.flatMap { $0.deleted ? nil : ($0.json ?? (try? JSONParser.parse($0.content))) }
            if w.skipUnchanged, let existing, let old,
               Self.contentIgnoringVersion(old) == Self.contentIgnoringVersion(Self.stamp(w.resource, id: w.id, version: 0, lastUpdated: "")) {
                outcomes[i] = WriteOutcome(resource: Self.storedResource(type: w.type, id: w.id, json: old, deleted: false, version: existing.version), created: false, unchanged: true)
                continue
            }
            let version = (existing?.version ?? 0) + 1
            let stamped = Self.stamp(w.resource, id: w.id, version: version, lastUpdated: lastUpdated)
            var entries: [IndexEntry]
            var compartment: String?
            var oldEntries: [IndexEntry]?
            if let existing, let old, let changed = SearchIndexer.changedElements(old, stamped),
               w.type == "Patient" || !SearchIndexer.reads(w.type, params: PatientCompartment.parameters(for: w.type), anyOf: changed) {
                // An update that stays in its compartment indexes, old and new, only the parameters that read a
                // changed element, and rewrites the rows of those whose values changed.
                compartment = w.type == "Patient" ? w.id : existing.compartment
                entries = SearchIndexer.entries(for: stamped, type: w.type, touching: changed)
                oldEntries = SearchIndexer.entries(for: old, type: w.type, touching: changed)
            } else {
                entries = SearchIndexer.entries(for: stamped, type: w.type)
                compartment = SearchIndexer.compartment(of: stamped, type: w.type, id: w.id, entries: entries)
                oldEntries = old.flatMap { existing?.compartment == compartment ? SearchIndexer.entries(for: $0, type: w.type) : nil }
            }
            prepared.append(Prepared(index: i, write: w, version: version, content: stamped.serialized(), json: stamped, entries: entries,
                                     oldEntries: oldEntries, compartment: compartment, existing: existing))
        }
        var seqs: [String: Int64] = [:]
        let fresh = prepared.filter { $0.existing == nil }
        let updated = prepared.filter { $0.existing != nil }
        let copy = (db as? PostgresSession).flatMap { prepared.count >= Self.copyThreshold ? $0 : nil }
        if let copy {
            // Bulk: rows streamed with COPY, new rows' seq drawn from the sequence first.
            let drawn = try await copy.raw("SELECT nextval(pg_get_serial_sequence('resources', 'seq')) AS seq FROM generate_series(1, \(bind: fresh.count))").all()
                .map { try $0.decode(column: "seq", as: Int64.self) }
            var rows = CopyRows()
            for (p, seq) in zip(fresh, drawn) {
                seqs[p.write.type + "/" + p.write.id] = seq
                rows.integer(seq); rows.text(p.write.type); rows.text(p.write.id); rows.integer(p.version); rows.text(lastUpdated)
                rows.integer(0); rows.text(p.compartment); rows.text(p.content); rows.endRow()
            }
            try await copy.copy(into: "resources", columns: ["seq", "res_type", "res_id", "version_id", "last_updated", "deleted", "compartment", "content"], rows: rows)
        } else if let sqlite = db as? SQLiteSession {
            // New resources: multi-row insert, seq read back by (type, id).
            for chunk in Self.chunks(fresh, 500) {
                var sql = "INSERT INTO resources (res_type, res_id, version_id, last_updated, deleted, compartment, content) VALUES "
                var binds: [SQLiteData] = []
                binds.reserveCapacity(chunk.count * 6)
                for (k, p) in chunk.enumerated() {
                    sql += k == 0 ? "(?, ?, ?, ?, 0, ?, ?)" : ", (?, ?, ?, ?, 0, ?, ?)"
                    binds += [.text(p.write.type), .text(p.write.id), .integer(p.version), .text(lastUpdated), .nullable(p.compartment), .text(p.content)]
                }
                for row in try await sqlite.rows(sql + " RETURNING seq, res_type, res_id", binds) {
                    guard let seq = row.column("seq")?.integer, let type = row.column("res_type")?.string, let id = row.column("res_id")?.string else {
                        throw FHIRError(500, "exception", "INSERT … RETURNING gave no row id")
                    }
                    seqs[type + "/" + id] = Int64(seq)
                }
            }
        } else {
            // New resources: multi-row insert, seq read back by (type, id).
            for chunk in Self.chunks(fresh, 300) {
                let rows = chunk.map { p -> SQLQueryString in
                    "(\(bind: p.write.type), \(bind: p.write.id), \(bind: p.version), \(bind: lastUpdated), 0, \(Self.sqlValue(p.compartment)), \(bind: p.content))"
                }
                let result = try await db.raw("INSERT INTO resources (res_type, res_id, version_id, last_updated, deleted, compartment, content) VALUES "
                                              + rows.joined(separator: ", ") + " RETURNING seq, res_type, res_id").all()
                for row in result {
                    seqs[(try row.decode(column: "res_type", as: String.self)) + "/" + (try row.decode(column: "res_id", as: String.self))] = try row.decode(column: "seq", as: Int64.self)
                }
            }
        }
        // Existing resources: update in place and drop their old index rows.
        if copy != nil {
            for chunk in Self.chunks(updated, 300) {
                let rows = chunk.compactMap { p -> SQLQueryString? in
                    guard let e = p.existing else { return nil }
                    return "(\(bind: e.seq)::bigint, \(bind: p.version)::bigint, \(Self.sqlValue(p.compartment))::text, \(bind: p.content)::text)"
                }
                try await db.raw("UPDATE resources AS r SET version_id = v.version_id, last_updated = \(bind: lastUpdated), deleted = 0, compartment = v.compartment, content = v.content FROM (VALUES "
                                 + rows.joined(separator: ", ") + ") AS v (seq, version_id, compartment, content) WHERE r.seq = v.seq").run()
            }
        } else {
            for p in updated {
                guard let e = p.existing else { continue }
                try await db.raw("""
                    UPDATE resources SET version_id = \(bind: p.version), last_updated = \(bind: lastUpdated), deleted = 0,
                      compartment = \(Self.sqlValue(p.compartment)), content = \(bind: p.content) WHERE seq = \(bind: e.seq)
                    """).run()
            }
        }
        for p in updated { if let e = p.existing { seqs[p.write.type + "/" + p.write.id] = e.seq } }
        // Index rows to replace: every row of a resource that was deleted or changes compartment, else the rows of
        // the parameters whose entries differ.
        var reindexAll: [Int64] = []
        var changedParams: [IndexKey: [Int64]] = [:]
        var newEntries: [String: [IndexEntry]] = [:]
        for p in updated {
            guard let e = p.existing else { continue }
            guard let oldEntries = p.oldEntries else { reindexAll.append(e.seq); continue }
            let before = Dictionary(grouping: oldEntries, by: { IndexKey(table: $0.table, param: $0.param) })
            let after = Dictionary(grouping: p.entries, by: { IndexKey(table: $0.table, param: $0.param) })
            var kept: [IndexEntry] = []
            for key in Set(before.keys).union(after.keys) {
                if before[key] == after[key] { continue }
                if before[key] != nil { changedParams[key, default: []].append(e.seq) }
                kept += after[key] ?? []
            }
            newEntries[p.write.type + "/" + p.write.id] = kept
        }
        try await deleteIndex(db, seqs: reindexAll)
        for (key, seqs) in changedParams.sorted(by: { ($0.key.table, $0.key.param) < ($1.key.table, $1.key.param) }) {
            for chunk in Self.chunks(seqs, 500) {
                try await db.raw("DELETE FROM \(ident: key.table) WHERE param = \(bind: key.param) AND seq IN (\(binds: Array(chunk)))").run()
            }
        }
        if let copy {
            var rows = CopyRows()
            for p in prepared {
                rows.text(p.write.type); rows.text(p.write.id); rows.integer(p.version); rows.text(lastUpdated); rows.integer(0)
                rows.text(p.existing == nil ? "POST" : "PUT"); rows.text(p.compartment); rows.text(p.content); rows.endRow()
            }
            try await copy.copy(into: "resource_history", columns: ["res_type", "res_id", "version_id", "last_updated", "deleted", "method", "compartment", "content"], rows: rows)
        } else if let sqlite = db as? SQLiteSession {
            try await sqlite.insert(into: "resource_history", columns: Self.historyColumns, rows: prepared.map { p in
                [.text(p.write.type), .text(p.write.id), .integer(p.version), .text(lastUpdated), .integer(0),
                 .text(p.existing == nil ? "POST" : "PUT"), .nullable(p.compartment), .text(p.content)]
            })
        } else {
            for chunk in Self.chunks(prepared, 300) {
                let rows = chunk.map { p -> SQLQueryString in
                    "(\(bind: p.write.type), \(bind: p.write.id), \(bind: p.version), \(bind: lastUpdated), 0, \(bind: p.existing == nil ? "POST" : "PUT"), \(Self.sqlValue(p.compartment)), \(bind: p.content))"
                }
                try await db.raw("INSERT INTO resource_history (res_type, res_id, version_id, last_updated, deleted, method, compartment, content) VALUES "
                                 + rows.joined(separator: ", ")).run()
            }
        }
        var index: [(Int64, String, String?, IndexEntry)] = []
        for p in prepared {
            guard let seq = seqs[p.write.type + "/" + p.write.id] else { throw FHIRError(500, "exception", "No row id for \(p.write.type)/\(p.write.id)") }
            for e in newEntries[p.write.type + "/" + p.write.id] ?? p.entries { index.append((seq, p.write.type, p.compartment, e)) }
            outcomes[p.index] = WriteOutcome(
                resource: StoredResource(type: p.write.type, id: p.write.id, versionId: p.version, lastUpdated: lastUpdated, deleted: false, json: p.json),
                created: p.existing == nil || p.existing?.deleted == true, unchanged: false)
        }
        try await insertIndex(db, index)
        if let patients = scope.writablePatients {
            // Checked after the write, in the same transaction, so that a Bundle creating a patient together with
            // the encounter that brings them to this organisation passes, and anything else rolls back.
            let written = prepared.filter { AccessScope.isPatientData($0.write.type) }.compactMap { p in
                seqs[p.write.type + "/" + p.write.id].map { ($0, p.write) }
            }
            try await checkCompartments(db, scope, patients, written, what: "write")
        }
        AccessTrace.add(prepared.compactMap(\.compartment))
        return outcomes.compactMap { $0 }
    }

    /// Refuses writing a resource that only a service may write (`ServiceWrites.rules`).
    static func checkServiceWrites(_ writes: [PendingWrite]) throws(FHIRError) {
        for w in writes {
            for rule in ServiceWrites.rules where rule.type == w.type && rule.matches(w.resource) {
                throw FHIRError(422, "business-rule", "\(rule.what) is written by its service: use \(rule.instead)",
                                expression: (w.location ?? w.type) + "." + rule.element)
            }
        }
    }

    /// Current rows of the given resources by `Type/id`, locked for update on PostgreSQL.
    func currentRows(_ db: any SQLDatabase, _ writes: [PendingWrite]) async throws -> [String: CurrentRow] {
        var out: [String: CurrentRow] = [:]
        let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE" : ""
        for (type, group) in Dictionary(grouping: writes, by: \.type) {
            for chunk in Self.chunks(group.map(\.id), 500) {
                let rows = try await db.raw("SELECT seq, res_id, version_id, deleted, compartment, content FROM resources WHERE res_type = \(bind: type) AND res_id IN (\(binds: Array(chunk)))" + lock).all()
                for row in rows {
                    out[type + "/" + (try row.decode(column: "res_id", as: String.self))] = CurrentRow(
                        seq: try row.decode(column: "seq", as: Int64.self), version: try row.decode(column: "version_id", as: Int.self),
                        deleted: try row.decode(column: "deleted", as: Int.self) != 0,
                        compartment: try row.decode(column: "compartment", as: String?.self), content: try row.decode(column: "content", as: String.self))
                }
            }
        }
        return out
    }

    static func chunks<T>(_ items: [T], _ size: Int) -> [ArraySlice<T>] {
        stride(from: 0, to: items.count, by: size).map { items[$0..<min($0 + size, items.count)] }
    }

    /// Marks `type/id` deleted (a new version without content in the index). Returns false when there was nothing to delete.
    func deleteVersion(_ db: any SQLDatabase, type: String, id: String, now: Instant = .now()) async throws -> Bool {
        guard let current = try await currentRow(db, type, id, forUpdate: true), !current.deleted else { return false }
        if !ServiceWrites.active, let old = try? JSONParser.parse(current.content) {
            try Self.checkServiceWrites([PendingWrite(type: type, id: id, resource: old)])
        }
        let scope = AccessScope.current
        if !scope.isUnrestricted {
            try scope.checkWritable(type, location: nil)
            try await checkExisting(db, scope, [(PendingWrite(type: type, id: id, resource: .null), current)])
        }
        AccessTrace.add(current.compartment)
        let version = current.version + 1
        let lastUpdated = now.iso
        try await db.raw("UPDATE resources SET version_id = \(bind: version), last_updated = \(bind: lastUpdated), deleted = 1 WHERE seq = \(bind: current.seq)").run()
        try await db.raw("""
            INSERT INTO resource_history (res_type, res_id, version_id, last_updated, deleted, method, compartment, content)
            VALUES (\(bind: type), \(bind: id), \(bind: version), \(bind: lastUpdated), 1, 'DELETE', \(Self.sqlValue(current.compartment)), NULL)
            """).run()
        try await deleteIndex(db, seqs: [current.seq])
        return true
    }

    /// The index rows of one search parameter: the unit an update rewrites.
    struct IndexKey: Hashable { var table: String; var param: String }

    func deleteIndex(_ db: any SQLDatabase, seqs: [Int64]) async throws {
        for chunk in Self.chunks(seqs, 500) {
            for table in Migrations.indexTables {
                try await db.raw("DELETE FROM \(ident: table) WHERE seq IN (\(binds: Array(chunk)))").run()
            }
        }
    }

    /// Inserts index rows grouped by table, many rows per statement.
    func insertIndex(_ db: any SQLDatabase, _ entries: [(seq: Int64, type: String, compartment: String?, entry: IndexEntry)]) async throws {
        if let copy = db as? PostgresSession, entries.count >= Self.copyThreshold {
            try await copyIndex(copy, entries)
            return
        }
        if let sqlite = db as? SQLiteSession {
            try await Self.insertIndex(sqlite, entries)
            return
        }
        var byTable: [String: [SQLQueryString]] = [:]
        for (seq, type, compartment, e) in entries {
            let c = Self.sqlValue(compartment)
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
        for (table, rows) in byTable {
            guard let cols = Self.indexColumns[table]?.joined(separator: ", ") else { continue }
            for chunk in Self.chunks(rows, 1000) {
                let sql: SQLQueryString = "INSERT INTO \(ident: table) (seq, res_type, param, compartment, \(unsafeRaw: cols)) VALUES "
                    + Array(chunk).joined(separator: ", ")
                try await db.raw(sql).run()
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
        ReferenceWalk.forEach(in: resource, path: path, skipContained: true) { ref, location in
            if !ReferenceParser.isAbsolute(ref), !ref.hasPrefix("#"), !ref.hasPrefix("urn:"), !ref.utf8.contains(63 /* ? */),
               let parsed = ReferenceParser.parse(ref) {
                out.append((parsed, location()))
            }
        }
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
