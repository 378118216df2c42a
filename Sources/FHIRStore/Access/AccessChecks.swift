import FHIRJSON
import SQLKit

/// The write-side checks of an `AccessScope`, run by the resource writer inside the write's transaction.
extension Repository {
    /// Refuses changing or deleting a current resource that lies outside the scope: another organisation's
    /// (`meta.source`) or in a patient compartment the scope may not write.
    func checkExisting(_ db: any SQLDatabase, _ scope: AccessScope, _ existing: [(PendingWrite, CurrentRow)]) async throws {
        let live = existing.filter { !$0.1.deleted }
        if scope.ownedOnly, let owner = scope.owner {
            for (w, row) in live {
                let source = (try? JSONParser.parse(row.content))?["meta"]?["source"]?.stringValue
                guard source == owner else {
                    throw scope.forbidden("change \(w.type)/\(w.id): it was written by \(source ?? "another source"), not \(owner)", location: w.location)
                }
            }
        }
        guard let patients = scope.writablePatients else { return }
        let rows = live.filter { AccessScope.isPatientData($0.0.type) }.map { ($0.1.seq, $0.0) }
        try await checkCompartments(db, scope, patients, rows, what: "change")
    }

    /// Throws 403 naming the first of `rows` (by `resources.seq`) whose patient compartment is not in `patients`.
    /// A patient-data resource without a patient is outside every limited scope.
    func checkCompartments(_ db: any SQLDatabase, _ scope: AccessScope, _ patients: AccessScope.PatientCondition,
                           _ rows: [(Int64, PendingWrite)], what: String) async throws {
        guard !rows.isEmpty else { return }
        let bySeq = Dictionary(rows.map { ($0.0, $0.1) }, uniquingKeysWith: { a, _ in a })
        for chunk in Self.chunks(rows.map(\.0), 500) {
            let outside = try await db.raw("SELECT r.seq FROM resources r WHERE r.seq IN (\(binds: Array(chunk))) AND NOT ("
                                           + patients("COALESCE(r.compartment, '')") + ") LIMIT 1").all()
            if let row = outside.first, let w = bySeq[try row.decode(column: "seq", as: Int64.self)] {
                throw scope.forbidden("\(what) \(w.type)/\(w.id): its patient is not one whose record the \(scope.holder) may write", location: w.location)
            }
        }
    }

    /// The resource with `meta.source` set to `owner` (the organisation that wrote it).
    static func withSource(_ resource: JSON, _ owner: String) -> JSON {
        guard case .object(var o) = resource else { return resource }
        var meta = o["meta"]?.objectValue ?? JSONObject()
        meta["source"] = .string(owner)
        o["meta"] = .object(meta)
        return .object(o)
    }
}
