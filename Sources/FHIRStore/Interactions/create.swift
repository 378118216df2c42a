import FHIRJSON
import SQLKit

extension Repository {
    /// `POST [type]` (with optional `If-None-Exist`): validates, assigns a new id and stores version 1.
    public func create(type: String, resource: JSON, ifNoneExist: String? = nil) async throws -> WriteOutcome {
        try validate(resource, type: type)
        return try await database.transaction { db in
            try await self.create(db, type: type, resource: resource, ifNoneExist: ifNoneExist, location: type)
        }
    }

    func create(_ db: any SQLDatabase, type: String, resource: JSON, ifNoneExist: String?, id: String? = nil,
                location: String, checkRefs: Bool = true) async throws -> WriteOutcome {
        if let ifNoneExist, !ifNoneExist.isEmpty {
            try await lockCondition(db, type + "?" + ifNoneExist)
            let matches = try await matchingIds(db, type: type, query: ifNoneExist)
            if matches.count > 1 {
                throw FHIRError(412, "multiple-matches", "The If-None-Exist criteria \(ifNoneExist) match \(matches.count) resources")
            }
            if let existing = matches.first, let stored = try await readCurrent(db, type: type, id: existing) {
                return WriteOutcome(resource: stored, created: false, unchanged: true)
            }
        }
        if checkRefs { try await checkReferences(db, [(resource, location)]) }
        return try await writeVersion(db, type: type, id: id ?? Self.newId(), resource: resource, skipUnchanged: false)
    }

    /// Serialises conditional writes on the same criteria across connections (PostgreSQL advisory lock),
    /// so two concurrent conditional creates cannot both create.
    func lockCondition(_ db: any SQLDatabase, _ key: String) async throws {
        guard database.kind == .postgres else { return }   // SQLite writers are already serialised
        try await db.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: key)))").run()
    }
}
