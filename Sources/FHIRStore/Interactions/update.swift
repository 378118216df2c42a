import FHIRJSON
import SQLKit

extension Repository {
    /// `PUT [type]/[id]`: a new version, or the first one when the client chose the id (create-on-update).
    /// - Parameter ifMatch: the `If-Match` ETag; a mismatch with the current version is 412.
    public func update(type: String, id: String, resource: JSON, ifMatch: String? = nil) async throws -> WriteOutcome {
        try validate(resource, type: type)
        try Self.checkBodyId(resource, id: id)
        let expected = try ifMatch.map { m throws(FHIRError) in try Self.parseETag(m) }
        return try await database.transaction { db in
            try await self.checkReferences(db, [(resource, type)])
            return try await self.writeVersion(db, type: type, id: id, resource: resource, expectedVersion: expected)
        }
    }

    /// `PUT [type]?[criteria]`: updates the one match, creates when none matches, 412 when several do.
    public func conditionalUpdate(type: String, criteria: String, resource: JSON) async throws -> WriteOutcome {
        try validate(resource, type: type)
        return try await database.transaction { db in
            try await self.conditionalUpdate(db, type: type, criteria: criteria, resource: resource, location: type)
        }
    }

    func conditionalUpdate(_ db: any SQLDatabase, type: String, criteria: String, resource: JSON, location: String) async throws -> WriteOutcome {
        try await lockCondition(db, type + "?" + criteria)
        let matches = try await matchingIds(db, type: type, query: criteria)
        if matches.count > 1 {
            throw FHIRError(412, "multiple-matches", "The criteria \(criteria) match \(matches.count) resources")
        }
        let bodyId = resource["id"]?.stringValue
        if let match = matches.first, let bodyId, bodyId != match {
            throw FHIRError(400, "invalid", "The resource id \(bodyId) differs from the id \(match) of the resource matching \(criteria)", expression: "\(type).id")
        }
        let id = matches.first ?? bodyId ?? Self.newId()
        try await checkReferences(db, [(resource, location)])
        return try await writeVersion(db, type: type, id: id, resource: resource)
    }

    static func checkBodyId(_ resource: JSON, id: String) throws(FHIRError) {
        guard ReferenceParser.isId(id) else { throw FHIRError.badRequest("'\(id)' is not a valid FHIR id") }
        guard let bodyId = resource["id"]?.stringValue else {
            throw FHIRError(400, "required", "An update must carry the resource id in its body", expression: "id")
        }
        guard bodyId == id else {
            throw FHIRError(400, "invalid", "The id in the body (\(bodyId)) differs from the id in the URL (\(id))", expression: "id")
        }
    }

    /// `W/"3"`, `"3"` or `3` → 3.
    static func parseETag(_ etag: String) throws(FHIRError) -> Int {
        var s = etag.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("W/") { s.removeFirst(2) }
        s = s.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let v = Int(s) else { throw FHIRError.badRequest("If-Match '\(etag)' is not a version ETag like W/\"1\"") }
        return v
    }
}

import Foundation
