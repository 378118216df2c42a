import SQLKit
import SQLiteKit

/// One value of a row for `bulkInsert`.
public enum BulkValue: Sendable, ExpressibleByStringLiteral {
    case text(String?)
    case integer(Int)

    public init(stringLiteral value: String) { self = .text(value) }
}

/// Inserts many rows into one of the platform's own tables on `db` (a transaction's connection): streamed with
/// `COPY` on PostgreSQL, multi-row `INSERT`s elsewhere and for a few rows. `table` and `columns` are the
/// platform's own names, never input.
public func bulkInsert(_ db: any SQLDatabase, into table: String, columns: [String], rows: [[BulkValue]]) async throws {
    guard !rows.isEmpty else { return }
    if let copy = db as? PostgresSession, rows.count >= Repository.copyThreshold {
        var data = CopyRows()
        for row in rows {
            for value in row {
                switch value {
                case .text(let s): data.text(s)
                case .integer(let n): data.integer(n)
                }
            }
            data.endRow()
        }
        try await copy.copy(into: table, columns: columns, rows: data)
        return
    }
    if let sqlite = db as? SQLiteSession {
        try await sqlite.insert(into: table, columns: columns, rows: rows.map { row in
            row.map { value in
                switch value {
                case .text(let s): .nullable(s)
                case .integer(let n): .integer(n)
                }
            }
        })
        return
    }
    let perStatement = max(1, 900 / max(columns.count, 1))   // SQLite allows 999 bound parameters by default
    for start in stride(from: 0, to: rows.count, by: perStatement) {
        let values = rows[start..<min(start + perStatement, rows.count)].map { row -> SQLQueryString in
            "(" + row.map { value -> SQLQueryString in
                switch value {
                case .text(let s): s.map { "\(bind: $0)" } ?? "NULL"
                case .integer(let n): "\(bind: n)"
                }
            }.joined(separator: ", ") + ")"
        }
        try await db.raw("INSERT INTO \(ident: table) (\(unsafeRaw: columns.joined(separator: ", "))) VALUES " + values.joined(separator: ", ")).run()
    }
}
