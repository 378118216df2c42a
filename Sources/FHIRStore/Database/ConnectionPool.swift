import AsyncKit
import Logging
import NIOCore
import NIOPosix
import SQLKit
import Synchronization

/// A small async pool of database connections with a fixed upper size.
///
/// We keep our own pool instead of AsyncKit's EventLoopGroupConnectionPool so that a caller can hold one
/// connection for a whole transaction and so that per-connection set-up (SQLite pragmas) runs once.
/// The state sits behind a mutex rather than in an actor: taking an idle connection is then a lock, not an
/// executor hop, which matters when every read is a few microseconds of SQLite.
/// `@unchecked`: all mutable state is in the mutex; the source (PostgresKit's is not marked Sendable) is an
/// immutable configuration only used to open connections.
final class ConnectionPool<Source: ConnectionPoolSource>: @unchecked Sendable where Source.Connection: Sendable {
    private struct State {
        var idle: [Source.Connection] = []
        var open = 0
        var waiters: [CheckedContinuation<Source.Connection?, any Error>] = []
        var closed = false
    }

    private let source: Source
    private let maxConnections: Int
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let prepare: @Sendable (Source.Connection) async throws -> Void
    /// Where the connections go, without password: for `DatabaseConnectionError`.
    private let endpoint: String
    private let state = Mutex(State())

    init(source: Source, endpoint: String, maxConnections: Int, logger: Logger, eventLoopGroup: any EventLoopGroup,
         prepare: @escaping @Sendable (Source.Connection) async throws -> Void) {
        self.source = source
        self.endpoint = endpoint
        self.maxConnections = maxConnections
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.prepare = prepare
    }

    private enum Next { case use(Source.Connection), open, wait, closed }

    func acquire() async throws -> Source.Connection {
        while true {
            let next: Next = state.withLock { s in
                if s.closed { return .closed }
                while let conn = s.idle.popLast() {
                    if !conn.isClosed { return .use(conn) }
                    s.open -= 1
                }
                if s.open < maxConnections { s.open += 1; return .open }
                return .wait
            }
            switch next {
            case .use(let conn): return conn
            case .closed: throw PoolClosedError()
            case .open:
                do {
                    let conn = try await source.makeConnection(logger: logger, on: eventLoopGroup.any()).get()
                    try await prepare(conn)
                    if state.withLock({ $0.closed }) {
                        try? await conn.close().get()
                        release(nil)
                        throw PoolClosedError()
                    }
                    return conn
                } catch let error as PoolClosedError {
                    release(nil)
                    throw error
                } catch {
                    release(nil)
                    throw DatabaseConnectionError(endpoint: endpoint, underlying: error)
                }
            case .wait:
                // nil: a connection closed and its slot is free, so try again (and maybe open a new one).
                let handed: Source.Connection? = try await withCheckedThrowingContinuation { cont in
                    let immediate: Next? = state.withLock { s in
                        if s.closed { return .closed }
                        if let conn = s.idle.popLast() { return .use(conn) }
                        if s.open < maxConnections { return .open }
                        s.waiters.append(cont)
                        return nil
                    }
                    switch immediate {
                    case .use(let conn): cont.resume(returning: conn)
                    case .closed: cont.resume(throwing: PoolClosedError())
                    case .open, .wait: cont.resume(returning: nil)
                    case nil: break
                    }
                }
                if let handed { return handed }
            }
        }
    }

    /// Runs `body` with a connection of the pool and gives it back afterwards, also when `body` throws.
    func withConnection<R>(_ body: (Source.Connection) async throws -> R) async throws -> R {
        let conn = try await acquire()
        do {
            let result = try await body(conn)
            release(conn)
            return result
        } catch {
            release(conn)
            throw error
        }
    }

    /// Returns a connection; nil gives back the slot of a connection that could not be opened.
    func release(_ conn: Source.Connection?) {
        // A connection that comes back after shutdown (a background job's, mid-query when the pool closed) is
        // closed here: nobody else will, and an unclosed SQLite connection is a crash when it is deinitialised.
        if let conn, state.withLock({ s in
            if s.closed { s.open -= 1; return true }
            return false
        }) {
            Task { try? await conn.close().get() }
            return
        }
        let waiter: CheckedContinuation<Source.Connection?, any Error>? = state.withLock { s in
            guard let conn, !conn.isClosed else {
                s.open -= 1
                return s.waiters.isEmpty ? nil : s.waiters.removeFirst()
            }
            if s.waiters.isEmpty { s.idle.append(conn); return nil }
            return s.waiters.removeFirst()
        }
        guard let waiter else { return }
        if let conn, !conn.isClosed { waiter.resume(returning: conn) } else { waiter.resume(returning: nil) }
    }

    func shutdown() async {
        let (waiters, idle) = state.withLock { s in
            s.closed = true
            defer { s.waiters = []; s.idle = [] }
            return (s.waiters, s.idle)
        }
        for w in waiters { w.resume(throwing: PoolClosedError()) }
        for c in idle { try? await c.close().get() }
    }
}

struct PoolClosedError: Error, CustomStringConvertible {
    var description: String { "the database connection pool is shut down" }
}
