import FHIRJSON
import SQLKit

extension Repository {
    /// `GET [type]/[id]/_history/[vid]`: one version; 410 when that version is a deletion, 403 outside the scope.
    public func vread(type: String, id: String, version: String) async throws -> StoredResource {
        try checkType(type)
        guard let v = Int(version) else { throw FHIRError.notFound(type, id + "/_history/" + version) }
        let condition = try AccessScope.current.historyCondition(type)
        let rows = try await database.read(keyLookup: true) { db in
            try await db.raw("SELECT last_updated, deleted, compartment, content" + Self.allowedColumn(condition)
                             + " FROM resource_history WHERE res_type = \(bind: type) AND res_id = \(bind: id) AND version_id = \(bind: v)").all()
        }
        guard let row = rows.first else { throw FHIRError(404, "not-found", "\(type)/\(id) has no version \(version)") }
        if condition != nil, try row.decode(column: "allowed", as: Int.self) == 0 {
            throw AccessScope.current.forbidden("read \(type)/\(id)")
        }
        if try row.decode(column: "deleted", as: Int.self) != 0 {
            throw FHIRError(410, "deleted", "Version \(version) of \(type)/\(id) is a deletion")
        }
        AccessTrace.add(try row.decode(column: "compartment", as: String?.self))
        let json = try JSONParser.parse(try row.decode(column: "content", as: String.self))
        return StoredResource(type: type, id: id, versionId: v, lastUpdated: try row.decode(column: "last_updated", as: String.self), deleted: false, json: json)
    }
}
