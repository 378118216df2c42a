import FHIRJSON
import SQLKit

extension Repository {
    /// `DELETE [type]/[id]`: records a deletion version; deleting what is absent or already deleted succeeds too.
    @discardableResult
    public func delete(type: String, id: String) async throws -> Bool {
        try checkType(type)
        return try await database.transaction { db in try await self.deleteVersion(db, type: type, id: id) }
    }

    /// `DELETE [type]?[criteria]`: deletes every match; returns how many.
    public func conditionalDelete(type: String, criteria: String) async throws -> Int {
        try checkType(type)
        return try await database.transaction { db in
            let ids = try await self.matchingIds(db, type: type, query: criteria)
            var n = 0
            for id in ids where try await self.deleteVersion(db, type: type, id: id) { n += 1 }
            return n
        }
    }
}
