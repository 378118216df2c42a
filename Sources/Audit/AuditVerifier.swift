import FHIRStore
import SQLKit

/// Re-computes the audit chain (`densauluq audit verify`).
public enum AuditVerifier {
    public struct Report: Sendable, Equatable {
        /// Rows checked.
        public var rows: Int
        /// Hash of the last row: publish or store it elsewhere, since removing rows at the very end leaves a
        /// shorter chain that is still consistent.
        public var head: String
        /// The first row whose link or content does not match, with the reason; nil when the chain is intact.
        public var broken: (seq: Int64, reason: String)?

        public static func == (a: Report, b: Report) -> Bool {
            a.rows == b.rows && a.head == b.head && a.broken?.seq == b.broken?.seq && a.broken?.reason == b.broken?.reason
        }
    }

    public static func verify(_ database: Database, pageSize: Int = 5000) async throws -> Report {
        var previous = AuditChain.genesis
        var rows = 0
        var after: Int64 = -1
        while true {
            let from = after
            let page = try await database.read { db in
                try await db.raw("SELECT * FROM audit_log WHERE seq > \(bind: from) ORDER BY seq LIMIT \(literal: pageSize)").all()
            }
            if page.isEmpty { break }
            for row in page {
                let seq = try row.decode(column: "seq", as: Int64.self)
                let entry = try entry(row)
                let prev = try row.decode(column: "prev_hash", as: String.self)
                let hash = try row.decode(column: "hash", as: String.self)
                if prev != previous {
                    return Report(rows: rows, head: previous, broken: (seq, "its link to the previous row is broken: a row before it was removed or changed"))
                }
                if AuditChain.hash(previous: prev, entry: entry) != hash {
                    return Report(rows: rows, head: previous, broken: (seq, "its content does not match its hash: the row was changed"))
                }
                previous = hash
                rows += 1
                after = seq
            }
        }
        return Report(rows: rows, head: previous, broken: nil)
    }

    static func entry(_ row: any SQLRow) throws -> AuditEntry {
        AuditEntry(recorded: try row.decode(column: "recorded", as: String.self), actor: try row.decode(column: "actor", as: String.self),
                   role: try row.decode(column: "role", as: String?.self), organization: try row.decode(column: "organization", as: String?.self),
                   patient: try row.decode(column: "patient", as: String?.self), action: try row.decode(column: "action", as: String.self),
                   target: try row.decode(column: "target", as: String.self), outcome: try row.decode(column: "outcome", as: Int.self),
                   source: try row.decode(column: "source", as: String?.self), purpose: try row.decode(column: "purpose", as: String?.self))
    }
}
