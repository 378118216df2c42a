import FHIRJSON
import SQLKit

extension Repository {
    /// `PATCH [type]/[id]` with a JSON Patch (`application/json-patch+json`): the operations applied to the current
    /// version, and the result written as an update — validated, references checked, a new version in the history —
    /// in one transaction with the row locked, so two patches of the same resource apply one after the other.
    ///
    /// A malformed patch is a 400 naming the operation (`Patch[1].path`); one that does not apply (a path that is
    /// not there, a failed `test`), or that changes the id or type, is a 422; `If-Match` a stale version, 412.
    public func patch(type: String, id: String, patch document: JSON, ifMatch: String? = nil) async throws -> WriteOutcome {
        try checkType(type)
        let patch = try Self.jsonPatch(document)
        let expected = try ifMatch.map { m throws(FHIRError) in try Self.parseETag(m) }
        return try await database.transaction { db in
            try await self.patch(db, type: type, id: id, patch: patch, expectedVersion: expected)
        }
    }

    /// `PATCH [type]?[criteria]`: patches the one resource the criteria match (an information system that knows a
    /// person by ИИН, not by our id); 404 when none matches, 412 when several do.
    public func conditionalPatch(type: String, criteria: String, patch document: JSON, ifMatch: String? = nil) async throws -> WriteOutcome {
        try checkType(type)
        let patch = try Self.jsonPatch(document)
        let expected = try ifMatch.map { m throws(FHIRError) in try Self.parseETag(m) }
        return try await database.transaction { db in
            try await self.patch(db, type: type, criteria: criteria, patch: patch, expectedVersion: expected, location: nil)
        }
    }

    /// Patches the one resource `criteria` match, in the caller's transaction (`location`: where the URL is, for errors).
    func patch(_ db: any SQLDatabase, type: String, criteria: String, patch: JSONPatch, expectedVersion: Int?, location: String?) async throws -> WriteOutcome {
        try await lockCondition(db, type + "?" + criteria)
        let matches = try await matchingIds(db, type: type, query: criteria)
        guard let id = matches.first else { throw FHIRError(404, "not-found", "No \(type) matches \(criteria)", expression: location) }
        if matches.count > 1 { throw FHIRError(412, "multiple-matches", "The criteria \(criteria) match \(matches.count) resources", expression: location) }
        return try await self.patch(db, type: type, id: id, patch: patch, expectedVersion: expectedVersion)
    }

    static func jsonPatch(_ document: JSON) throws(FHIRError) -> JSONPatch {
        do throws(JSONPatch.Failure) { return try JSONPatch(document) } catch {
            throw FHIRError(400, "invalid", "Not a valid JSON Patch: \(error.message)", expression: "Patch" + (error.location ?? ""))
        }
    }

    func patch(_ db: any SQLDatabase, type: String, id: String, patch: JSONPatch, expectedVersion expected: Int?) async throws -> WriteOutcome {
        guard let locked = try await currentRow(db, type, id, forUpdate: true) else { throw FHIRError.notFound(type, id) }
        if let expected, expected != locked.version {
            throw FHIRError(412, "conflict", "Version conflict: \(type)/\(id) is at version \(locked.version), the request expected \(expected)")
        }
        // The caller must be able to read what they patch (404, 410, 403 as for a read).
        let current = try await readChecked(db, type: type, id: id)
        let patched: JSON
        do throws(JSONPatch.Failure) { patched = try patch.apply(to: current.json) } catch {
            throw FHIRError(422, "processing", "The patch does not apply to \(type)/\(id): \(error.message)", expression: "Patch" + (error.location ?? ""))
        }
        guard patched["resourceType"]?.stringValue == type, patched["id"]?.stringValue == id else {
            throw FHIRError(422, "processing", "A patch may not change the resource's type or id", expression: "Patch")
        }
        try validate(patched, type: type)
        try await checkReferences(db, [(patched, type)])
        return try await writeVersion(db, type: type, id: id, resource: patched, expectedVersion: locked.version)
    }
}
