import FHIRJSON
import SQLKit

extension Repository {
    /// `GET [type]/[id]`: the current version; 404 when unknown, 410 when deleted.
    public func read(type: String, id: String) async throws -> StoredResource {
        try checkType(type)
        let result = try await database.read { db in try await self.readRow(db, type: type, id: id) }
        guard let result else { throw FHIRError.notFound(type, id) }
        if result.deleted { throw FHIRError.gone(type, id) }
        return result
    }

    /// `GET [type]/[id]` as the stored JSON text, for responses that pass it through without parsing it.
    public func readText(type: String, id: String) async throws -> StoredText {
        try checkType(type)
        let row = try await database.read { db -> StoredText? in
            let rows = try await db.raw("SELECT version_id, last_updated, deleted, content FROM resources WHERE res_type = \(bind: type) AND res_id = \(bind: id)").all()
            guard let row = rows.first else { return nil }
            return StoredText(type: type, id: id, versionId: try row.decode(column: "version_id", as: Int.self),
                              lastUpdated: try row.decode(column: "last_updated", as: String.self),
                              deleted: try row.decode(column: "deleted", as: Int.self) != 0,
                              content: try row.decode(column: "content", as: String.self))
        }
        guard let row else { throw FHIRError.notFound(type, id) }
        if row.deleted { throw FHIRError.gone(type, id) }
        return row
    }

    func readCurrent(_ db: any SQLDatabase, type: String, id: String) async throws -> StoredResource? {
        guard let r = try await readRow(db, type: type, id: id), !r.deleted else { return nil }
        return r
    }

    func readRow(_ db: any SQLDatabase, type: String, id: String) async throws -> StoredResource? {
        let rows = try await db.raw("SELECT version_id, last_updated, deleted, content FROM resources WHERE res_type = \(bind: type) AND res_id = \(bind: id)").all()
        guard let row = rows.first else { return nil }
        let content = try row.decode(column: "content", as: String.self)
        let json = try JSONParser.parse(content)
        return StoredResource(type: type, id: id, versionId: try row.decode(column: "version_id", as: Int.self),
                              lastUpdated: try row.decode(column: "last_updated", as: String.self),
                              deleted: try row.decode(column: "deleted", as: Int.self) != 0, json: json)
    }
}
