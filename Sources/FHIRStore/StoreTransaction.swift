import FHIRJSON
import SQLKit

/// One database transaction for services built on the store (attachment, booking …) that must read, check and
/// write several resources atomically. Writes go through the same validation, reference checks, access scope,
/// history and indexing as REST writes; the service's own tables can be written with `sql`.
public struct StoreTransaction: Sendable {
    let repository: Repository
    /// The transaction's connection, for the service's own tables.
    public let sql: any SQLDatabase

    /// Serialises transactions on the same key until this one ends (a PostgreSQL advisory lock; SQLite runs one
    /// writer at a time already). Use it before a read that decides a write, e.g. on the catchment area whose
    /// capacity is checked.
    public func lock(_ key: String) async throws {
        try await repository.lockCondition(sql, key)
    }

    /// The current version, nil when absent or deleted.
    public func read(_ type: String, _ id: String) async throws -> StoredResource? {
        try repository.checkType(type)
        return try await repository.readCurrent(sql, type: type, id: id)
    }

    /// The current versions of `type/ids` that exist, by id, locked until the transaction ends on PostgreSQL (SQLite
    /// runs one writer at a time), so that a service's update based on them cannot overwrite a concurrent write.
    public func readForUpdate(_ type: String, _ ids: [String]) async throws -> [String: StoredResource] {
        try repository.checkType(type)
        guard !ids.isEmpty else { return [:] }
        var sql: SQLQueryString = "SELECT r.seq, r.res_id, r.version_id, r.last_updated, r.compartment, r.content FROM resources r WHERE r.res_type = \(bind: type) AND r.deleted = 0 AND r.res_id IN (\(binds: ids))"
        if let access = AccessScope.current.filterCondition(type) { sql = sql + " AND " + access }
        if repository.database.kind == .postgres { sql = sql + " FOR UPDATE" }
        return Dictionary(try await rows(sql, type: type, locked: true).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Ids of the current resources of `type` matching a search query string (`patient=Patient/1&status=active`).
    public func ids(_ type: String, matching query: String) async throws -> [String] {
        try await repository.matchingIds(sql, type: type, query: query)
    }

    /// The current resources of `type` matching a search query string, without the paging limit of a search
    /// (for registries of thousands: organisations, catchment areas).
    public func resources(_ type: String, matching query: String) async throws -> [StoredResource] {
        try repository.checkType(type)
        var request = try SearchRequest(type: type, parameters: SearchRequest.parseQuery(query))
        request.count = SearchRequest.maxCount
        let (condition, _) = try repository.whereClause(request)
        return try await rows("SELECT r.seq, r.res_id, r.version_id, r.last_updated, r.compartment, r.content FROM resources r WHERE " + condition + " ORDER BY r.res_id", type: type)
    }

    /// A page of current resources of `type` in id order after `after`, that meet `condition` (an SQL condition on
    /// the alias `r` of the store's `resources` table, whose `r.res_id` is the resource id) — for services that
    /// walk a whole type, e.g. the unattached people. With `forUpdate` the rows are locked until the transaction
    /// ends, as `readForUpdate` locks them.
    public func scan(_ type: String, after: String?, limit: Int, condition: SQLQueryString? = nil, forUpdate: Bool = false) async throws -> [StoredResource] {
        try repository.checkType(type)
        var sql: SQLQueryString = "SELECT r.seq, r.res_id, r.version_id, r.last_updated, r.compartment, r.content FROM resources r WHERE r.res_type = \(bind: type) AND r.deleted = 0"
        if let after { sql = sql + " AND r.res_id > \(bind: after)" }
        if let condition { sql = sql + " AND (" + condition + ")" }
        if let access = AccessScope.current.filterCondition(type) { sql = sql + " AND " + access }
        let lock: SQLQueryString = forUpdate && repository.database.kind == .postgres ? " FOR UPDATE" : ""
        return try await rows(sql + " ORDER BY r.res_id LIMIT \(literal: limit)" + lock, type: type, locked: forUpdate)
    }

    /// `locked`: the rows were read for update, so a write may be based on them (`Write.basedOn`).
    private func rows(_ query: SQLQueryString, type: String, locked: Bool = false) async throws -> [StoredResource] {
        try await sql.raw(query).all().map { row in
            let id = try row.decode(column: "res_id", as: String.self)
            let compartment = try row.decode(column: "compartment", as: String?.self)
            AccessTrace.add(compartment)
            var stored = StoredResource(type: type, id: id, versionId: try row.decode(column: "version_id", as: Int.self),
                                        lastUpdated: try row.decode(column: "last_updated", as: String.self), deleted: false,
                                        json: try JSONParser.parse(try row.decode(column: "content", as: String.self)))
            if locked { stored.row = (try row.decode(column: "seq", as: Int64.self), compartment) }
            return stored
        }
    }

    /// One resource to write in `write(_:)`: a new one when `id` is nil.
    public struct Write: Sendable {
        public var type: String
        public var id: String?
        public var resource: JSON
        /// The current version this transaction read locked (`scan(forUpdate: true)`, `readForUpdate`) that
        /// `resource` replaces: the store then does not read and parse it again.
        public var basedOn: StoredResource?
        public init(_ type: String, id: String? = nil, _ resource: JSON) {
            self.type = type
            self.id = id
            self.resource = resource
        }
        /// A new version of `current`, which this transaction read locked.
        public init(updating current: StoredResource, _ resource: JSON) {
            self.init(current.type, id: current.id, resource)
            basedOn = current
        }
    }

    /// Writes many resources with a few multi-row statements; returns them as stored, in order.
    ///
    /// `trusted` skips the schema validation and the reference checks, for the bulk jobs of a service that builds
    /// the resources itself from resources it read in this transaction (the automatic attachment's episodes);
    /// the same builders are validated where the service writes one at a time.
    public func write(_ writes: [Write], trusted: Bool = false) async throws -> [StoredResource] {
        var pending: [Repository.PendingWrite] = []
        for (i, w) in writes.enumerated() {
            if !trusted { try repository.validate(w.resource, type: w.type) }
            var p = Repository.PendingWrite(type: w.type, id: w.id ?? Repository.newId(), resource: w.resource,
                                            knownNew: w.id == nil, skipUnchanged: w.id != nil, location: "\(w.type)[\(i)]")
            if let base = w.basedOn, base.type == w.type, base.id == w.id, let row = base.row {
                p.current = Repository.CurrentRow(seq: row.seq, version: base.versionId, deleted: false,
                                                  compartment: row.compartment, content: "", json: base.json)
            }
            pending.append(p)
        }
        if !trusted {
            try await repository.checkReferences(sql, writes.enumerated().map { ($0.element.resource, "\($0.element.type)[\($0.offset)]") })
        }
        return try await repository.writeVersions(sql, pending).map(\.resource)
    }

    /// Creates a resource with a new id.
    public func create(_ type: String, _ resource: JSON) async throws -> StoredResource {
        try repository.validate(resource, type: type)
        return try await repository.create(sql, type: type, resource: resource, ifNoneExist: nil, location: type).resource
    }

    /// Writes a new version of `type/id`.
    public func update(_ type: String, _ id: String, _ resource: JSON) async throws -> StoredResource {
        try repository.validate(resource, type: type)
        try await repository.checkReferences(sql, [(resource, type)])
        return try await repository.writeVersion(sql, type: type, id: id, resource: resource).resource
    }
}

extension Repository {
    /// Runs a service's `body` in one database transaction with the store's full access, as the writer allowed for
    /// the resources whose rules live in the service's own tables (`ServiceWrites`). The caller has already
    /// checked who may ask for it; the request's `AccessTrace` still records every patient touched.
    public func serviceTransaction<T: Sendable>(_ body: @escaping @Sendable (StoreTransaction) async throws -> T) async throws -> T {
        try await ServiceWrites.$active.withValue(true) {
            try await AccessScope.$current.withValue(.unrestricted) { try await transaction(body) }
        }
    }

    /// Runs `body` in one database transaction: all its writes happen, or none.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (StoreTransaction) async throws -> T) async throws -> T {
        try await database.transaction { db in try await body(StoreTransaction(repository: self, sql: db)) }
    }
}
