import FHIRJSON

/// The bulk variant of the write path on PostgreSQL: from `copyThreshold` rows on, resources, history and index
/// rows are streamed with `COPY` (see `PostgresSession`) — the same rows the multi-row `INSERT`s write, at a
/// fraction of the CPU that building and binding thousands of parameters takes.
extension Repository {
    /// Fewer rows than this go through ordinary statements (a REST create is one row; a round trip is a round trip).
    static let copyThreshold = 16

    /// Each index table's value columns, after `seq, res_type, param, compartment`.
    static let indexColumns: [String: [String]] = [
        "sp_string": ["norm", "exact"], "sp_token": ["system", "code", "text"], "sp_date": ["lo", "hi"], "sp_number": ["value"],
        "sp_quantity": ["value", "system", "code"], "sp_reference": ["target_type", "target_id", "url"], "sp_uri": ["value"],
    ]

    /// Streams index rows into their tables, one `COPY` per table.
    func copyIndex(_ copy: PostgresSession, _ entries: [(seq: Int64, type: String, compartment: String?, entry: IndexEntry)]) async throws {
        var byTable: [String: CopyRows] = [:]
        for (seq, type, compartment, e) in entries {
            var rows = byTable.removeValue(forKey: e.table) ?? CopyRows()
            rows.integer(seq)
            rows.text(type)
            switch e {
            case let .string(p, n, x): rows.text(p); rows.text(compartment); rows.text(n); rows.text(x)
            case let .token(p, s, code, t): rows.text(p); rows.text(compartment); rows.text(s); rows.text(code); rows.text(t)
            case let .date(p, lo, hi): rows.text(p); rows.text(compartment); rows.integer(lo); rows.integer(hi)
            case let .number(p, v): rows.text(p); rows.text(compartment); rows.double(v)
            case let .quantity(p, v, s, code): rows.text(p); rows.text(compartment); rows.double(v); rows.text(s); rows.text(code)
            case let .reference(p, tt, tid, url): rows.text(p); rows.text(compartment); rows.text(tt); rows.text(tid); rows.text(url)
            case let .uri(p, v): rows.text(p); rows.text(compartment); rows.text(v)
            }
            rows.endRow()
            byTable[e.table] = rows
        }
        for (table, rows) in byTable.sorted(by: { $0.key < $1.key }) {
            guard let columns = Self.indexColumns[table] else { continue }
            try await copy.copy(into: table, columns: ["seq", "res_type", "param", "compartment"] + columns, rows: rows)
        }
    }
}
