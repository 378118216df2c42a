import AsyncKit
import Logging
import NIOCore
import SQLiteNIO
// The C API of the SQLite that SQLiteNIO bundles (its functions are prefixed `sqlite_nio_`); the store opens
// its own read handles on the same library, so both see the same file format, locks and WAL.
import VaporCSQLite

/// A read-only SQLite connection whose statements run on the calling thread, each prepared once and kept.
///
/// SQLiteNIO runs every statement on its thread pool and hands the rows back through an event loop: three thread
/// switches and a fresh `sqlite3_prepare` for a lookup that SQLite itself answers in a few microseconds. A read by
/// id spent more time in those switches and the parser than in SQLite. Only lookups by key use this connection
/// (`Database.read(keyLookup:)`), whose cost is bounded by the index; a search of unknown cost still goes to
/// the thread pool, so that it never holds one of Swift's few cooperative threads for long.
///
/// `@unchecked Sendable`: a connection is used by one task at a time (the pool hands it out and takes it back);
/// the handle and the statement cache are only touched in between.
final class InlineSQLiteConnection: ConnectionPoolItem, @unchecked Sendable {
    let eventLoop: any EventLoop
    private var handle: OpaquePointer?
    /// Prepared statements by SQL text. The store writes types and parameter names as literals and values as
    /// binds, so the texts are few; the cache is emptied if it ever grows past `maxStatements`.
    private var statements: [String: (statement: OpaquePointer, columns: SQLiteColumnNames)] = [:]
    static let maxStatements = 256

    init(path: String, eventLoop: any EventLoop) throws {
        self.eventLoop = eventLoop
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        let opened = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        self.handle = handle
        guard opened == SQLITE_OK, handle != nil else {
            let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open"
            sqlite_nio_sqlite3_close(handle)
            self.handle = nil
            throw InlineSQLiteError(code: opened, message: message, sql: "open \(path)")
        }
        // `query_only`: a mistake that sends a write here fails instead of bypassing the writer's lock.
        // A smaller page cache than the thread pool's connections: a lookup by key touches a few pages, and SQLite
        // empties a reader's cache after every commit anyway.
        for pragma in ["PRAGMA busy_timeout=30000", "PRAGMA cache_size=-16384", "PRAGMA query_only=1"] {
            try query(pragma, []) { _ in }
        }
    }

    var isClosed: Bool { handle == nil }

    func close() -> EventLoopFuture<Void> {
        closeHandle()
        return eventLoop.makeSucceededVoidFuture()
    }

    deinit { closeHandle() }

    private func closeHandle() {
        for (statement, _) in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements = [:]
        if let handle { sqlite_nio_sqlite3_close(handle) }
        handle = nil
    }

    /// Runs `sql` with `binds`, calling `onRow` for each row, on the calling thread.
    func query(_ sql: String, _ binds: [SQLiteData], _ onRow: (InlineSQLiteRow) throws -> Void) throws {
        guard let handle else { throw InlineSQLiteError(code: SQLITE_MISUSE, message: "the connection is closed", sql: sql) }
        let (statement, columns) = try prepared(sql, handle)
        // Reset whatever happens: a statement left mid-step holds its read snapshot, which stops checkpoints.
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (i, value) in binds.enumerated() {
            try check(bind(value, at: Int32(i + 1), statement), sql)
        }
        while true {
            let step = sqlite_nio_sqlite3_step(statement)
            if step == SQLITE_DONE { return }
            guard step == SQLITE_ROW else { throw error(step, sql) }
            var values: [SQLiteData] = []
            values.reserveCapacity(columns.names.count)
            for column in 0..<Int32(columns.names.count) { values.append(value(statement, column)) }
            try onRow(InlineSQLiteRow(columns: columns, values: values))
        }
    }

    private func prepared(_ sql: String, _ handle: OpaquePointer) throws -> (OpaquePointer, SQLiteColumnNames) {
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        let ret = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard ret == SQLITE_OK, let statement else { throw error(ret, sql) }
        let count = sqlite_nio_sqlite3_column_count(statement)
        let names = (0..<count).map { sqlite_nio_sqlite3_column_name(statement, $0).map { String(cString: $0) } ?? "" }
        if statements.count >= Self.maxStatements {
            for (old, _) in statements.values { sqlite_nio_sqlite3_finalize(old) }
            statements = [:]
        }
        let entry = (statement, SQLiteColumnNames(names))
        statements[sql] = entry
        return entry
    }

    private func bind(_ value: SQLiteData, at index: Int32, _ statement: OpaquePointer) -> Int32 {
        switch value {
        case .integer(let v): return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(v))
        case .float(let v): return sqlite_nio_sqlite3_bind_double(statement, index, v)
        case .null: return sqlite_nio_sqlite3_bind_null(statement, index)
        case .text(let v):
            return sqlite_nio_sqlite3_bind_text64(statement, index, v, UInt64(v.utf8.count), Self.transient, UInt8(SQLITE_UTF8))
        case .blob(let v):
            return v.withUnsafeReadableBytes {
                sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), Self.transient)
            }
        }
    }

    private func value(_ statement: OpaquePointer, _ column: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, column) else { return .null }
            let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: length)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length))
            }
            return .blob(buffer)
        default: return .null
        }
    }

    private func check(_ ret: Int32, _ sql: String) throws {
        guard ret == SQLITE_OK else { throw error(ret, sql) }
    }

    private func error(_ code: Int32, _ sql: String) -> InlineSQLiteError {
        let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "error \(code)"
        return InlineSQLiteError(code: code, message: message, sql: sql)
    }

    /// SQLite copies the bound value (`SQLITE_TRANSIENT`), so Swift's string may go away after the bind.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// The column names of a prepared statement, and each name's position, shared by all rows it returns.
final class SQLiteColumnNames: Sendable {
    let names: [String]
    let positions: [String: Int]

    init(_ names: [String]) {
        self.names = names
        self.positions = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A failed statement on an inline connection: SQLite's code and message, and the statement.
struct InlineSQLiteError: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    let sql: String
    var description: String { "SQLite error \(code): \(message) (in \(sql))" }
}

/// Opens inline connections on one database file, for `ConnectionPool`.
struct InlineSQLiteSource: ConnectionPoolSource {
    let path: String

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<InlineSQLiteConnection> {
        do { return eventLoop.makeSucceededFuture(try InlineSQLiteConnection(path: path, eventLoop: eventLoop)) }
        catch { return eventLoop.makeFailedFuture(error) }
    }
}
