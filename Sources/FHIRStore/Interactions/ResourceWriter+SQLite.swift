import SQLiteKit

/// The bulk variant of the write path on SQLite: history and index rows handed to the driver as SQLite values
/// (see `SQLiteSession`), without an SQLKit expression per value.
extension Repository {
    static let historyColumns = ["res_type", "res_id", "version_id", "last_updated", "deleted", "method", "compartment", "content"]

    /// Index rows on SQLite: values handed to the driver as they are, grouped by table.
    static func insertIndex(_ db: SQLiteSession, _ entries: [(seq: Int64, type: String, compartment: String?, entry: IndexEntry)]) async throws {
        var byTable: [String: [[SQLiteData]]] = [:]
        for (seq, type, compartment, e) in entries {
            let head: [SQLiteData] = [.integer(Int(seq)), .text(type), .text(e.param), .nullable(compartment)]
            let values: [SQLiteData]
            switch e {
            case let .string(_, n, x): values = [.text(n), .text(x)]
            case let .token(_, s, code, t): values = [.nullable(s), .nullable(code), .nullable(t)]
            case let .date(_, lo, hi): values = [.integer(Int(lo)), .integer(Int(hi))]
            case let .number(_, v): values = [.float(v)]
            case let .quantity(_, v, s, code): values = [.float(v), .nullable(s), .nullable(code)]
            case let .reference(_, tt, tid, url): values = [.nullable(tt), .nullable(tid), .nullable(url)]
            case let .uri(_, v): values = [.text(v)]
            }
            byTable[e.table, default: []].append(head + values)
        }
        for (table, rows) in byTable.sorted(by: { $0.key < $1.key }) {
            guard let columns = indexColumns[table] else { continue }
            try await db.insert(into: table, columns: ["seq", "res_type", "param", "compartment"] + columns, rows: rows)
        }
    }
}
