import Logging
import NIOCore
import PostgresKit
import SQLKit

/// A PostgreSQL connection as an `SQLDatabase` that also offers `COPY … FROM STDIN`, which SQLKit cannot express:
/// the store's bulk writes (imports, demo data, services writing thousands of resources) stream their rows with it
/// instead of building multi-row `INSERT`s with a bound parameter per value.
struct PostgresSession: DatabaseSession {
    let base: any SQLDatabase
    let connection: PostgresConnection
    /// Whether queries run as named prepared statements (`PreparedStatements`): only for key lookups outside a
    /// transaction (`Database.read(keyLookup:)`).
    var prepared = false

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        if prepared {
            let (sql, binds) = base.serialize(query)
            do {
                if try await PreparedStatements.execute(connection, sql: sql, binds: binds, logger: logger, onRow: onRow) { return }
            } catch {
                // PostgresNIO keeps a failed preparation's error for the statement's name on its connection, so a
                // connection that saw an error is not reused.
                try? await connection.close()
                throw error
            }
        }
        try await base.execute(sql: query, onRow)
    }

    /// Streams `rows` into `table` with `COPY table (columns) FROM STDIN` (text format). `table` and `columns` are
    /// the store's own names, never input.
    func copy(into table: String, columns: [String], rows: CopyRows) async throws {
        guard rows.count > 0 else { return }
        let data = rows.buffer
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            try await writer.write(data)
        }
    }
}

/// Rows in PostgreSQL's `COPY` text format: fields separated by tabs, rows by newlines, `\N` for NULL, and
/// backslash, tab, newline and carriage return escaped.
struct CopyRows: Sendable {
    private(set) var buffer = ByteBuffer()
    private(set) var count = 0
    private var fieldsInRow = 0

    init(capacity: Int = 1 << 16) { buffer.reserveCapacity(capacity) }

    mutating func text(_ value: String?) {
        separate()
        guard var value else { buffer.writeStaticString("\\N"); return }
        let plain = value.withUTF8 { bytes in
            for byte in bytes where byte == 0x5C || byte < 0x0E && (byte == 0x09 || byte == 0x0A || byte == 0x0D) { return false }
            return true
        }
        if plain {
            buffer.writeString(value)
            return
        }
        for byte in value.utf8 {
            switch byte {
            case 0x5C: buffer.writeStaticString("\\\\")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }

    mutating func integer<T: BinaryInteger>(_ value: T) {
        separate()
        buffer.writeString(String(value))
    }

    mutating func double(_ value: Double) {
        separate()
        buffer.writeString(value.isFinite ? "\(value)" : (value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity")))
    }

    /// Ends the current row.
    mutating func endRow() {
        buffer.writeInteger(UInt8(0x0A))
        fieldsInRow = 0
        count += 1
    }

    private mutating func separate() {
        if fieldsInRow > 0 { buffer.writeInteger(UInt8(0x09)) }
        fieldsInRow += 1
    }
}
