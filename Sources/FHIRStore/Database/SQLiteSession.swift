import SQLiteKit
import SQLKit
import Synchronization

/// An SQLite connection as an `SQLDatabase` that also takes rows of SQLite values straight to the driver.
///
/// The store's bulk writes (index rows, history, the audit trail) insert thousands of values per transaction.
/// Through SQLKit each value became an `SQLBind` in an expression tree, was serialised, boxed as `Encodable` and
/// encoded back into an `SQLiteData`: about a tenth of an import's time. Here the statement text is built once
/// per chunk and the values are already what SQLite binds.
struct SQLiteSession: DatabaseSession {
    let base: any SQLDatabase
    let connection: SQLiteConnection

    /// The rows of one statement with values bound as they are.
    func rows(_ sql: String, _ binds: [SQLiteData]) async throws -> [SQLiteRow] {
        let collected = Mutex<[SQLiteRow]>([])
        try await connection.query(sql, binds) { row in collected.withLock { $0.append(row) } }
        return collected.withLock { $0 }
    }

    /// The most values bound in one statement: SQLite's default limit is 32,766; smaller statements also keep
    /// the parser's work per row flat.
    static let valuesPerStatement = 4_000

    /// Inserts `rows` into `table` with multi-row `INSERT`s. `table` and `columns` are the store's own names,
    /// never input; every row has one value per column.
    func insert(into table: String, columns: [String], rows: [[SQLiteData]]) async throws {
        guard !rows.isEmpty, !columns.isEmpty else { return }
        let perStatement = max(1, Self.valuesPerStatement / columns.count)
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        let placeholders = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(start + perStatement, rows.count)]
            var sql = head
            sql.reserveCapacity(head.utf8.count + chunk.count * (placeholders.utf8.count + 2))
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * columns.count)
            for (k, row) in chunk.enumerated() {
                precondition(row.count == columns.count, "a row of \(row.count) values for \(columns.count) columns of \(table)")
                if k > 0 { sql += ", " }
                sql += placeholders
                binds.append(contentsOf: row)
            }
            try await connection.query(sql, binds) { _ in }
            start += perStatement
        }
    }
}

extension SQLiteData {
    /// Text, or NULL for nil.
    static func nullable(_ value: String?) -> SQLiteData { value.map(SQLiteData.text) ?? .null }
}
