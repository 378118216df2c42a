import AsyncKit
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// A small async pool of database connections with a fixed upper size.
///
/// We keep our own pool instead of AsyncKit's EventLoopGroupConnectionPool so that a caller can hold one
/// connection for a whole transaction and so that per-connection set-up (SQLite pragmas) runs once.
actor ConnectionPool<Source: ConnectionPoolSource> where Source.Connection: Sendable {
    private let source: Source
    private let maxConnections: Int
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let prepare: @Sendable (Source.Connection) async throws -> Void
    private var idle: [Source.Connection] = []
    private var open = 0
    private var waiters: [CheckedContinuation<Source.Connection, any Error>] = []
    private var closed = false

    init(source: Source, maxConnections: Int, logger: Logger, eventLoopGroup: any EventLoopGroup,
         prepare: @escaping @Sendable (Source.Connection) async throws -> Void) {
        self.source = source
        self.maxConnections = maxConnections
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.prepare = prepare
    }

    func acquire() async throws -> Source.Connection {
        if closed { throw PoolClosedError() }
        while let conn = idle.popLast() {
            if !conn.isClosed { return conn }
            open -= 1
        }
        if open < maxConnections {
            open += 1
            do {
                let conn = try await source.makeConnection(logger: logger, on: eventLoopGroup.any()).get()
                try await prepare(conn)
                return conn
            } catch {
                open -= 1
                throw error
            }
        }
        return try await withCheckedThrowingContinuation { waiters.append($0) }
    }

    func release(_ conn: Source.Connection) {
        if conn.isClosed {
            open -= 1
            // A waiter may now open a fresh connection.
            if let waiter = waiters.first {
                waiters.removeFirst()
                Task { do { waiter.resume(returning: try await self.acquire()) } catch { waiter.resume(throwing: error) } }
            }
            return
        }
        if let waiter = waiters.first {
            waiters.removeFirst()
            waiter.resume(returning: conn)
        } else {
            idle.append(conn)
        }
    }

    func shutdown() async {
        closed = true
        for w in waiters { w.resume(throwing: PoolClosedError()) }
        waiters = []
        for c in idle { try? await c.close().get() }
        idle = []
    }
}

struct PoolClosedError: Error, CustomStringConvertible {
    var description: String { "the database connection pool is shut down" }
}
