import FHIRJSON
import Foundation
import SQLKit

/// FHIR Bulk Data export (`$export`, the asynchronous request pattern): a job writes the current resources as
/// NDJSON, a type at a time, into `export_parts`; the client polls the job and downloads a file per type.
///
/// The job runs in the background with the access scope of whoever started it, so an export never contains more
/// than that person could search. Its `transactionTime` is the moment it was started: resources changed after it
/// are left out and belong to the next export with `_since` = that time, the incremental pattern the Bulk Data
/// specification describes.
public struct BulkExport: Sendable {
    public enum Level: String, Sendable { case system, patient }

    /// What was asked for, checked.
    public struct Request: Sendable {
        public var level: Level
        public var types: [String]
        public var since: String?
        /// The token subject of the requester; only they see the job.
        public var owner: String
        /// The kick-off URL, for the manifest.
        public var url: String
        /// `_typeFilter`: per type, the condition its resources meet (types without one are not filtered).
        public var filters: [String: SQLQueryString] = [:]
        /// `_elements`: the elements kept for every type (unqualified names) and per type (`Patient.name`);
        /// nil when resources are exported whole.
        public var elements: (all: Set<String>, byType: [String: Set<String>])? = nil

        /// The top-level elements kept for resources of `type`, with the ones every resource needs; nil for whole.
        func kept(_ type: String) -> Set<String>? {
            guard let elements else { return nil }
            let named = elements.all.union(elements.byType[type] ?? [])
            // Qualified names for other types only: this type's resources go whole.
            if named.isEmpty { return nil }
            return named.union(["resourceType", "id", "meta"])
        }
    }

    /// Where a job is.
    public enum Status: Sendable {
        case running(doneTypes: Int, totalTypes: Int)
        /// The manifest: `transactionTime`, `request`, `output` (a file per type with its resource count).
        case complete(JSON)
        case failed(String)
    }

    /// Resources per stored part: a part is one row and one write of NDJSON.
    static let partSize = 1000
    /// How often a running job records that it is alive, and after how long without that it counts as stopped.
    static let heartbeatInterval: Duration = .seconds(15)
    static let staleAfterMillis: Int64 = 120_000
    /// Patients remembered as already reported to the audit trail within one job (a national export would not fit).
    static let toldLimit = 200_000
    /// `_outputFormat` values meaning NDJSON (the specification's and its abbreviations).
    public static let formats: Set<String> = ["application/fhir+ndjson", "application/ndjson", "ndjson"]

    let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    var database: Database { repository.database }

    /// Checks a kick-off request's parameters; every problem is reported with its parameter.
    public func request(level: Level, parameters: [(String, String)], owner: String, url: String) throws(FHIRError) -> Request {
        var types: [String]?
        var since: String?
        var filterValues: [String] = []
        var elements: (all: Set<String>, byType: [String: Set<String>])?
        var issues: [OutcomeIssue] = []
        for (k, v) in parameters {
            switch k {
            case "_typeFilter":
                filterValues.append(v)
            case "_elements":
                var parsed = elements ?? ([], [:])
                for name in v.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                    let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                    let element = parts.last ?? ""
                    guard (1...2).contains(parts.count), !element.isEmpty, element.allSatisfy({ $0.isLetter || $0.isNumber }) else {
                        issues.append(SearchRequest.bad(k, name, "an element name, or Type.element")); continue
                    }
                    if parts.count == 2 {
                        guard repository.supportedTypes.contains(parts[0]) else {
                            issues.append(SearchRequest.bad(k, name, "a supported resource type before the dot")); continue
                        }
                        parsed.byType[parts[0], default: []].insert(element)
                    } else {
                        parsed.all.insert(element)
                    }
                }
                elements = parsed
            case "_outputFormat":
                if !Self.formats.contains(v) { issues.append(OutcomeIssue(code: "not-supported", diagnostics: "Only NDJSON output (application/fhir+ndjson) is supported, not \(v)", expression: k)) }
            case "_since":
                if let r = DateRange.parse(v) { since = Instant(millis: r.lo).iso } else { issues.append(SearchRequest.bad(k, v, "an instant")) }
            case "_type":
                let list = repository.typeList(v, parameter: k, patientData: level == .patient)
                types = (types ?? []) + list.types
                issues += list.issues
            case "_format", "_pretty": continue
            default:
                issues.append(OutcomeIssue(code: "not-supported", diagnostics: "$export does not support the parameter '\(k)'", expression: k))
            }
        }
        let scope = AccessScope.current
        if scope.searchNeedsPatient { throw scope.forbidden("export data in bulk") }
        let filters = repository.typeFilters(filterValues, parameter: "_typeFilter", patientData: level == .patient, types: types)
        issues += filters.issues
        if !issues.isEmpty { throw FHIRError(status: 400, issues: issues) }
        let candidates = types ?? repository.supportedTypes.sorted().filter { level == .system || AccessScope.isPatientData($0) }
        var readable: [String] = []
        for t in candidates {
            do throws(FHIRError) { _ = try scope.readCondition(t); readable.append(t) } catch {
                // Types asked for by name must be readable; the default list is what the scope covers.
                if types != nil { throw error }
            }
        }
        return Request(level: level, types: readable, since: since, owner: owner, url: url, filters: filters.filters, elements: elements)
    }

    /// Records the job and starts it in the background with the caller's access scope; returns its id.
    /// - Parameter exported: told, after each part, the patients whose records the part holds (each once per
    ///   job, as far as a bounded memory of them allows), for the audit trail: a patient's record of who read it
    ///   includes the exports that carried it away.
    public func start(_ request: Request, exported: (@Sendable ([String]) -> Void)? = nil) async throws -> String {
        let id = Repository.newId()
        let now = Instant.now().iso
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO export_jobs (id, owner, request, level, types, since, transaction_time, status, done_types, heartbeat)
                VALUES (\(bind: id), \(bind: request.owner), \(bind: request.url), \(bind: request.level.rawValue), \(bind: request.types.joined(separator: ",")),
                        \(Repository.sqlValue(request.since)), \(bind: now), 'running', 0, \(bind: now))
                """).run()
        }
        let scope = AccessScope.current
        let export = self
        Task.detached {
            // Separate from the work, so that a long query does not look like a stopped server.
            let heartbeat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.heartbeatInterval)
                    _ = try? await export.database.transaction { db in
                        try await db.raw("UPDATE export_jobs SET heartbeat = \(bind: Instant.now().iso) WHERE id = \(bind: id) AND status = 'running'").run()
                    }
                }
            }
            defer { heartbeat.cancel() }
            await AccessScope.$current.withValue(scope) {
                do {
                    try await export.run(id, request, until: now, exported: exported)
                } catch {
                    export.repository.logger.error("bulk export failed", metadata: ["job": "\(id)", "error": "\(error)"])
                    _ = try? await export.database.transaction { db in
                        try await db.raw("UPDATE export_jobs SET status = 'failed', error = \(bind: String(describing: error)), finished_at = \(bind: Instant.now().iso) WHERE id = \(bind: id)").run()
                    }
                }
            }
        }
        return id
    }

    /// Writes each type's resources as NDJSON parts, in insertion order, keyset-paged.
    func run(_ id: String, _ request: Request, until transactionTime: String, exported: (@Sendable ([String]) -> Void)? = nil) async throws {
        var told = Set<String>()
        for (n, type) in request.types.enumerated() {
            var conditions: [SQLQueryString] = ["r.res_type = \(bind: type)", "r.deleted = 0", "r.last_updated <= \(bind: transactionTime)"]
            if let since = request.since { conditions.append("r.last_updated >= \(bind: since)") }
            if request.level == .patient { conditions.append("r.compartment IS NOT NULL") }
            if let access = try AccessScope.current.readCondition(type) { conditions.append(access) }
            if let filter = request.filters[type] { conditions.append(filter) }
            let whereSQL = conditions.joined(separator: " AND ")
            var cursor: Int64 = 0
            var part = 0
            while true {
                let after = cursor
                let rows = try await database.read { db in
                    try await db.raw("SELECT r.seq, r.compartment, r.content FROM resources r WHERE " + whereSQL + " AND r.seq > \(bind: after) ORDER BY r.seq LIMIT \(literal: Self.partSize)").all()
                }
                guard !rows.isEmpty else { break }
                var lines: [String] = []
                lines.reserveCapacity(rows.count)
                let keep = request.kept(type)
                for row in rows {
                    cursor = try row.decode(column: "seq", as: Int64.self)
                    // Stored text is one line: the serializer writes compact JSON and escapes newlines in strings.
                    let content = try row.decode(column: "content", as: String.self)
                    if let keep, case .object(let o) = try JSONParser.parse(content) {
                        lines.append(Repository.subset(o, keeping: keep).serialized())
                    } else {
                        lines.append(content)
                    }
                }
                let content = lines.joined(separator: "\n") + "\n"
                let number = part
                // A cancelled job (its row deleted) stops at the next part.
                let alive = try await database.transaction { db in
                    guard !(try await db.raw("SELECT id FROM export_jobs WHERE id = \(bind: id)").all()).isEmpty else { return false }
                    try await db.raw("""
                        INSERT INTO export_parts (job, res_type, part, resources, content)
                        VALUES (\(bind: id), \(bind: type), \(bind: number), \(bind: rows.count), \(bind: content))
                        """).run()
                    return true
                }
                guard alive else { return }
                if let exported {
                    if told.count > Self.toldLimit { told.removeAll() }
                    var patients: [String] = []
                    for row in rows {
                        if let patient = try row.decode(column: "compartment", as: String?.self), told.insert(patient).inserted { patients.append(patient) }
                    }
                    if !patients.isEmpty { exported(patients) }
                }
                part += 1
                if rows.count < Self.partSize { break }
            }
            let done = n + 1
            try await database.transaction { db in
                try await db.raw("UPDATE export_jobs SET done_types = \(bind: done) WHERE id = \(bind: id)").run()
            }
        }
        try await database.transaction { db in
            try await db.raw("UPDATE export_jobs SET status = 'complete', finished_at = \(bind: Instant.now().iso) WHERE id = \(bind: id)").run()
        }
    }

    /// The job's status for its owner; 404 for an unknown job or someone else's.
    public func status(_ id: String, owner: String, baseURL: String) async throws -> Status {
        let job = try await self.job(id, owner: owner)
        switch job.status {
        case "complete":
            let counts = try await database.read { db in
                try await db.raw("SELECT res_type, SUM(resources) AS n FROM export_parts WHERE job = \(bind: id) GROUP BY res_type ORDER BY res_type").all()
                    .map { (try $0.decode(column: "res_type", as: String.self), try $0.decode(column: "n", as: Int.self)) }
            }
            let output: [JSON] = counts.map { type, n in
                ["type": .string(type), "url": .string("\(baseURL)/_export/\(id)/\(type).ndjson"), "count": .number(String(n))]
            }
            return .complete(["transactionTime": .string(job.transactionTime), "request": .string(job.request), "requiresAccessToken": true,
                              "output": .array(output), "error": []])
        case "failed": return .failed(job.error ?? "unknown error")
        default:
            if let last = job.heartbeat.flatMap(DateRange.parse), Instant.now().millis - last.lo > Self.staleAfterMillis {
                let message = "the export stopped unfinished at \(job.heartbeat ?? "?") (its server stopped); start it again"
                try await database.transaction { db in
                    try await db.raw("UPDATE export_jobs SET status = 'failed', error = \(bind: message) WHERE id = \(bind: id) AND status = 'running'").run()
                }
                return .failed(message)
            }
            return .running(doneTypes: job.doneTypes, totalTypes: job.types)
        }
    }

    /// The NDJSON parts of one type's file, in order, read one at a time (a file can be larger than memory allows).
    public func parts(_ id: String, owner: String, type: String) async throws -> AsyncThrowingStream<String, any Error> {
        let job = try await self.job(id, owner: owner)
        guard job.status == "complete" else { throw FHIRError(404, "not-found", "Export \(id) has no files yet") }
        let count = try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM export_parts WHERE job = \(bind: id) AND res_type = \(bind: type)").all().first?.decode(column: "n", as: Int.self) ?? 0
        }
        guard count > 0 else { throw FHIRError(404, "not-found", "Export \(id) has no \(type) file") }
        let database = self.database
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for part in 0..<count {
                        let content = try await database.read { db in
                            try await db.raw("SELECT content FROM export_parts WHERE job = \(bind: id) AND res_type = \(bind: type) AND part = \(bind: part)").all()
                                .first?.decode(column: "content", as: String.self)
                        }
                        guard let content else { throw FHIRError(410, "deleted", "Export \(id) was deleted while it was read") }
                        continuation.yield(content)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Deletes a job and its files (a running job stops at its next part).
    public func delete(_ id: String, owner: String) async throws {
        _ = try await job(id, owner: owner)
        try await database.transaction { db in
            try await db.raw("DELETE FROM export_parts WHERE job = \(bind: id)").run()
            try await db.raw("DELETE FROM export_jobs WHERE id = \(bind: id)").run()
        }
    }

    struct Job {
        var status: String; var request: String; var transactionTime: String; var doneTypes: Int; var types: Int; var error: String?
        /// When the job last said it was alive (`nil` for jobs from before the heartbeat).
        var heartbeat: String?
    }

    func job(_ id: String, owner: String) async throws -> Job {
        let row = try await database.read { db in
            try await db.raw("SELECT status, request, transaction_time, done_types, types, error, heartbeat FROM export_jobs WHERE id = \(bind: id) AND owner = \(bind: owner)").all().first
        }
        guard let row else { throw FHIRError(404, "not-found", "There is no export \(id) of yours") }
        let types = try row.decode(column: "types", as: String.self)
        return Job(status: try row.decode(column: "status", as: String.self), request: try row.decode(column: "request", as: String.self),
                   transactionTime: try row.decode(column: "transaction_time", as: String.self), doneTypes: try row.decode(column: "done_types", as: Int.self),
                   types: types.isEmpty ? 0 : types.split(separator: ",").count, error: try row.decode(column: "error", as: String?.self),
                   heartbeat: try row.decode(column: "heartbeat", as: String?.self))
    }
}
