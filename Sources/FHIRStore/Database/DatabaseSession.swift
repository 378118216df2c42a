import Logging
import NIOCore
import SQLKit

/// A driver's `SQLDatabase` for one pooled connection, wrapped to add what SQLKit cannot express
/// (`PostgresSession`: COPY and prepared statements; `SQLiteSession`: values bound as they are). Everything else
/// goes to the wrapped database.
protocol DatabaseSession: SQLDatabase {
    var base: any SQLDatabase { get }
}

extension DatabaseSession {
    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try await base.execute(sql: query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }
}
