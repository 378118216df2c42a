import FHIRJSON
import SQLKit

extension Repository {
    /// `GET [type]/[id]`: the current version; 404 when unknown, 410 when deleted, 403 outside the request's scope.
    public func read(type: String, id: String) async throws -> StoredResource {
        try checkType(type)
        return try await database.read(keyLookup: true) { db in try await self.readChecked(db, type: type, id: id) }
    }

    /// The current version, with the errors of `read` (404, 410, 403).
    func readChecked(_ db: any SQLDatabase, type: String, id: String) async throws -> StoredResource {
        let condition = try AccessScope.current.readCondition(type)
        guard let (resource, allowed) = try await readRow(db, type: type, id: id, condition: condition) else { throw FHIRError.notFound(type, id) }
        guard allowed else { throw AccessScope.current.forbidden("read \(type)/\(id)") }
        if resource.deleted { throw FHIRError.gone(type, id) }
        return resource
    }

    /// `GET [type]/[id]` as the stored JSON text, for responses that pass it through without parsing it.
    public func readText(type: String, id: String) async throws -> StoredText {
        try checkType(type)
        let condition = try AccessScope.current.readCondition(type)
        let row = try await database.read(keyLookup: true) { db -> (StoredText, Bool)? in
            let rows = try await db.raw("SELECT r.version_id, r.last_updated, r.deleted, r.compartment, r.content" + Self.allowedColumn(condition)
                                        + " FROM resources r WHERE r.res_type = \(bind: type) AND r.res_id = \(bind: id)").all()
            guard let row = rows.first else { return nil }
            let text = StoredText(type: type, id: id, versionId: try row.decode(column: "version_id", as: Int.self),
                                  lastUpdated: try row.decode(column: "last_updated", as: String.self),
                                  deleted: try row.decode(column: "deleted", as: Int.self) != 0,
                                  content: try row.decode(column: "content", as: String.self))
            let allowed = try condition == nil || row.decode(column: "allowed", as: Int.self) != 0
            if allowed { AccessTrace.add(try row.decode(column: "compartment", as: String?.self)) }
            return (text, allowed)
        }
        guard let (text, allowed) = row else { throw FHIRError.notFound(type, id) }
        guard allowed else { throw AccessScope.current.forbidden("read \(type)/\(id)") }
        if text.deleted { throw FHIRError.gone(type, id) }
        return text
    }

    /// The current version when it exists, is not deleted and is readable in the request's scope (nil otherwise);
    /// for the reads inside other interactions (`_include`, Bundle entries, conditional create).
    func readCurrent(_ db: any SQLDatabase, type: String, id: String) async throws -> StoredResource? {
        guard let (r, allowed) = try await readRow(db, type: type, id: id, condition: AccessScope.current.filterCondition(type)),
              allowed, !r.deleted else { return nil }
        return r
    }

    /// The current row and whether it meets `condition` (a row condition on alias `r`; nil: always).
    func readRow(_ db: any SQLDatabase, type: String, id: String, condition: SQLQueryString?) async throws -> (StoredResource, Bool)? {
        let rows = try await db.raw("SELECT r.version_id, r.last_updated, r.deleted, r.compartment, r.content" + Self.allowedColumn(condition)
                                    + " FROM resources r WHERE r.res_type = \(bind: type) AND r.res_id = \(bind: id)").all()
        guard let row = rows.first else { return nil }
        let content = try row.decode(column: "content", as: String.self)
        let json = try JSONParser.parse(content)
        let allowed = try condition == nil || row.decode(column: "allowed", as: Int.self) != 0
        if allowed { AccessTrace.add(try row.decode(column: "compartment", as: String?.self)) }
        return (StoredResource(type: type, id: id, versionId: try row.decode(column: "version_id", as: Int.self),
                               lastUpdated: try row.decode(column: "last_updated", as: String.self),
                               deleted: try row.decode(column: "deleted", as: Int.self) != 0, json: json), allowed)
    }

    /// `, CASE WHEN condition THEN 1 ELSE 0 END AS allowed`, or nothing without a condition.
    static func allowedColumn(_ condition: SQLQueryString?) -> SQLQueryString {
        guard let condition else { return "" }
        return ", CASE WHEN " + condition + " THEN 1 ELSE 0 END AS allowed"
    }
}
