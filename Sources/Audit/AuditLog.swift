import FHIRStore
import Logging
import SQLKit
import Synchronization

/// Appends audit entries to `audit_log`, chained by hash.
///
/// Entries are buffered and written in batches (every `flushInterval` or `batchSize` entries, and at
/// `shutdown`), so that recording a read does not turn every read into a database write; a crash can lose at
/// most the entries of the last interval. Recording is a lock and an append, not an actor call: every FHIR
/// request records one entry, and the hop to an actor's executor was a thread switch under load. One writer at a
/// time extends the chain: in-process each batch waits for the one before it, across processes the database
/// serialises them (SQLite's single writer; an advisory lock on PostgreSQL).
public final class AuditLog: Sendable {
    public let database: Database
    let logger: Logger
    let batchSize: Int
    let flushInterval: Duration

    private struct State {
        var buffer: [AuditEntry] = []
        /// The timer that flushes what was recorded within `flushInterval`.
        var timer: Task<Void, Never>?
        /// A flush for a full batch is already on its way.
        var flushRequested = false
        /// The batch being written; the next one waits for it.
        var inFlight: Task<Void, any Error>?
    }
    private let state = Mutex(State())

    public init(database: Database, logger: Logger = Logger(label: "densauluq.audit"), batchSize: Int = 256,
                flushInterval: Duration = .milliseconds(200)) {
        self.database = database
        self.logger = logger
        self.batchSize = batchSize
        self.flushInterval = flushInterval
    }

    /// Queues entries, e.g. one per patient a batch job touched; they are written within `flushInterval`.
    public func record(contentsOf entries: [AuditEntry]) {
        guard !entries.isEmpty else { return }
        enum Next { case flush, startTimer, nothing }
        let next = state.withLock { s -> Next in
            s.buffer.append(contentsOf: entries)
            if s.buffer.count >= batchSize, !s.flushRequested { s.flushRequested = true; return .flush }
            return s.timer == nil ? .startTimer : .nothing
        }
        switch next {
        case .flush:
            Task { await self.flushLogging() }
        case .startTimer:
            let interval = flushInterval
            let timer = Task {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                self.state.withLock { $0.timer = nil }
                await self.flushLogging()
            }
            // Another entry may have started a timer meanwhile; one is enough.
            let extra = state.withLock { s -> Bool in
                if s.timer == nil { s.timer = timer; return false }
                return true
            }
            if extra { timer.cancel() }
        case .nothing:
            break
        }
    }

    /// Queues an entry; it is written within `flushInterval`.
    public func record(_ entry: AuditEntry) {
        record(contentsOf: [entry])
    }

    private func flushLogging() async {
        do { try await flush() } catch {
            logger.error("audit entries could not be written; they are kept for the next attempt", metadata: ["error": "\(error)"])
        }
    }

    /// Writes every queued entry now, after any write already under way, so that entries reach the chain in the
    /// order they were recorded. On failure the entries go back to the front of the queue.
    public func flush() async throws {
        let database = self.database
        let (write, entries) = state.withLock { s -> (Task<Void, any Error>?, [AuditEntry]) in
            s.flushRequested = false
            // Nothing new, but a caller of flush() expects what was recorded before to be written.
            guard !s.buffer.isEmpty else { return (s.inFlight, []) }
            let entries = s.buffer
            s.buffer = []
            let previous = s.inFlight
            // Each batch is written after the one before it, so entries reach the chain in recording order.
            let write = Task {
                _ = try? await previous?.value
                try await Self.append(entries, to: database)
            }
            s.inFlight = write
            return (write, entries)
        }
        guard let write else { return }
        do {
            try await write.value
            state.withLock { s in if s.inFlight == write { s.inFlight = nil } }
        } catch {
            state.withLock { s in
                if s.inFlight == write { s.inFlight = nil }
                s.buffer = entries + s.buffer
            }
            throw error
        }
    }

    /// Writes the queue and stops the timer; call before closing the database.
    public func shutdown() async throws {
        state.withLock { s in
            s.timer?.cancel()
            s.timer = nil
        }
        try await flush()
    }

    static func append(_ entries: [AuditEntry], to database: Database) async throws {
        try await database.transaction { db in
            if database.kind == .postgres {
                try await db.raw("SELECT pg_advisory_xact_lock(7243117)").run()   // one chain writer across processes
            }
            var previous = try await db.raw("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").all().first?
                .decode(column: "hash", as: String.self) ?? AuditChain.genesis
            var rows: [[BulkValue]] = []
            rows.reserveCapacity(entries.count)
            for e in entries {
                let hash = AuditChain.hash(previous: previous, entry: e)
                rows.append([.text(e.recorded), .text(e.actor), .text(e.role), .text(e.organization), .text(e.patient), .text(e.action),
                             .text(e.target), .integer(e.outcome), .text(e.source), .text(e.purpose), .text(previous), .text(hash)])
                previous = hash
            }
            try await bulkInsert(db, into: "audit_log", columns: ["recorded", "actor", "role", "organization", "patient", "action",
                                                                 "target", "outcome", "source", "purpose", "prev_hash", "hash"], rows: rows)
        }
    }

    /// The entries about one patient's record, newest first (what a citizen sees as "who looked at my record").
    public func entries(patient: String, limit: Int = 100) async throws -> [AuditEntry] {
        try await entries(patients: [patient], limit: limit)
    }

    /// The entries about any of these patients' records, newest first.
    public func entries(patients: [String], limit: Int = 100) async throws -> [AuditEntry] {
        guard !patients.isEmpty else { return [] }
        try await flush()
        return try await database.read { db in
            try await db.raw("SELECT * FROM audit_log WHERE patient IN (\(binds: patients)) ORDER BY seq DESC LIMIT \(literal: limit)").all()
                .map(AuditVerifier.entry)
        }
    }

    /// Break-the-glass accesses (entries with a stated reason), newest first; of one organisation's staff, or all.
    public func breakGlassEntries(organization: String?, limit: Int = 100) async throws -> [AuditEntry] {
        try await flush()
        return try await database.read { db in
            var sql: SQLQueryString = "SELECT * FROM audit_log WHERE purpose IS NOT NULL"
            if let organization { sql = sql + " AND organization = \(bind: organization)" }
            return try await db.raw(sql + " ORDER BY seq DESC LIMIT \(literal: limit)").all().map(AuditVerifier.entry)
        }
    }
}
