import FHIRJSON
import SQLKit

extension Repository {
    /// Rebuilds the search index of every current resource from its stored JSON, a batch per transaction, in
    /// insertion order: after an upgrade that indexes more (a new kind of index row, a search parameter's paths
    /// translated anew), what was stored before becomes searchable the same way. Rows of a batch are locked while
    /// it is rebuilt, so a concurrent update waits instead of interleaving its index rows; the server may run.
    ///
    /// - Parameter progress: called after each batch with the resources done and the total.
    /// - Returns: the resources reindexed.
    @discardableResult
    public func reindex(batchSize: Int = 1000, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Int {
        let total = try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM resources WHERE deleted = 0").all().first?.decode(column: "n", as: Int.self) ?? 0
        }
        let lock: SQLQueryString = database.kind == .postgres ? " FOR UPDATE" : ""
        var cursor: Int64 = 0
        var done = 0
        while true {
            let after = cursor
            let (count, last) = try await database.transaction { db -> (Int, Int64?) in
                let rows = try await db.raw("SELECT seq, res_type, compartment, content FROM resources WHERE deleted = 0 AND seq > \(bind: after) ORDER BY seq LIMIT \(literal: batchSize)" + lock).all()
                var seqs: [Int64] = []
                var entries: [(seq: Int64, type: String, compartment: String?, entry: IndexEntry)] = []
                for row in rows {
                    let seq = try row.decode(column: "seq", as: Int64.self)
                    let type = try row.decode(column: "res_type", as: String.self)
                    let compartment = try row.decode(column: "compartment", as: String?.self)
                    let json = try JSONParser.parse(try row.decode(column: "content", as: String.self))
                    seqs.append(seq)
                    for e in SearchIndexer.entries(for: json, type: type) { entries.append((seq, type, compartment, e)) }
                }
                try await self.deleteIndex(db, seqs: seqs)
                try await self.insertIndex(db, entries)
                return (rows.count, seqs.last)
            }
            done += count
            progress(done, total)
            guard let last, count == batchSize else { break }
            cursor = last
        }
        return done
    }
}
