import Logging
import NIOCore
import SQLiteKit
import SQLKit

/// An inline SQLite connection (`InlineSQLiteConnection`) as an `SQLDatabase`: SQLKit's queries are serialised
/// and run on the calling thread.
struct InlineSQLiteSession: SQLDatabase {
    let connection: InlineSQLiteConnection
    let logger: Logger
    var eventLoop: any EventLoop { connection.eventLoop }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { .trace }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> ()) throws {
        let (sql, binds) = serialize(query)
        logger.trace("Executing query inline", metadata: ["sql": .string(sql)])
        let encoder = SQLiteDataEncoder()
        try connection.query(sql, try binds.map { try encoder.encode($0) }) { onRow($0) }
    }
}

/// One row of an inline statement, read through SQLKit's `SQLRow`.
struct InlineSQLiteRow: SQLRow {
    let columns: SQLiteColumnNames
    let values: [SQLiteData]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.positions[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let i = columns.positions[column] else { return true }
        return values[i] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let i = columns.positions[column] else { throw InlineSQLiteMissingColumn(column: column) }
        // Texts and integers as they are: the decoder's generic path costs more than the read it follows.
        switch values[i] {
        case .text(let text): if let value = text as? D { return value }
        case .integer(let number): if let value = number as? D { return value }
        default: break
        }
        return try SQLiteDataDecoder().decode(D.self, from: values[i])
    }
}

struct InlineSQLiteMissingColumn: Error, CustomStringConvertible {
    let column: String
    var description: String { "no column \(column) in the row" }
}
