import FHIRJSON
import SQLKit

extension Repository {
    /// `Patient/[id]/$everything`: the patient's record as one searchset Bundle in pages — the Patient, every
    /// resource in the patient's compartment, and the resources outside it that the page references
    /// (practitioners, organisations, locations, medications …), each once per page, oldest first.
    ///
    /// What "data follow the patient" means for a doctor at another organisation: one request instead of a search
    /// per type. The compartment is a column of every stored row (the key the data are distributed by), so a page
    /// is one index range, not a union of per-type searches.
    ///
    /// - Parameters: `start` and `end` (care dates, see ``CareDate``: a dated resource is in when its care date
    ///   overlaps the range, one without a care date is not; types that have no care date are always in),
    ///   `_count` (page size, at most `SearchRequest.maxCount`), `_since` (changed at or after an instant),
    ///   `_type` (comma-separated types), `_typeFilter` (searches that resources of their types must match, see
    ///   ``typeFilters(_:parameter:patientData:types:)``), `_cursor` (from the `next` link).
    public func everything(patient: String, parameters: [(String, String)], baseURL: String) async throws -> JSON {
        var count = 50
        var since: String?
        var types: [String]?
        var cursor: Int64?
        var start: Int64?, end: Int64?
        var filterValues: [String] = []
        var issues: [OutcomeIssue] = []
        for (k, v) in parameters {
            switch k {
            case "_typeFilter":
                filterValues.append(v)
            case "start":
                if let r = DateRange.parse(v) { start = r.lo } else { issues.append(SearchRequest.bad(k, v, "a date")) }
            case "end":
                if let r = DateRange.parse(v) { end = r.hi } else { issues.append(SearchRequest.bad(k, v, "a date")) }
            case "_count":
                if let n = Int(v), n > 0 { count = min(n, SearchRequest.maxCount) } else { issues.append(SearchRequest.bad(k, v, "a positive integer")) }
            case "_since":
                if let r = DateRange.parse(v) { since = Instant(millis: r.lo).iso } else { issues.append(SearchRequest.bad(k, v, "an instant")) }
            case "_type":
                let list = typeList(v, parameter: k, patientData: true)
                types = (types ?? []) + list.types
                issues += list.issues
            case "_cursor":
                if let n = Int64(v) { cursor = n } else { issues.append(SearchRequest.bad(k, v, "a cursor from a next link")) }
            case "_format", "_pretty": continue
            default:
                issues.append(OutcomeIssue(code: "not-supported", diagnostics: "$everything does not support the parameter '\(k)'", expression: k))
            }
        }
        let filters = typeFilters(filterValues, parameter: "_typeFilter", patientData: true, types: types)
        issues += filters.issues
        if let start, let end, start >= end {
            issues.append(OutcomeIssue(code: "invalid", diagnostics: "The range ends before it starts", expression: "end"))
        }
        if !issues.isEmpty { throw FHIRError(status: 400, issues: issues) }
        // The Patient first, through the ordinary read: 404 for an unknown patient, 403 for one the caller may not see.
        _ = try await read(type: "Patient", id: patient)
        let scope = AccessScope.current
        // Each type with the condition the caller's scope puts on it; types the scope does not cover are left out.
        var open: [String] = []
        var guarded: [SQLQueryString] = []
        for type in (types ?? supportedTypes.sorted().filter(AccessScope.isPatientData)) {
            do throws(FHIRError) {
                var condition = try scope.readCondition(type)
                // Both spans are half-open, [lo, hi): they overlap when each starts before the other ends.
                if start != nil || end != nil, let care = CareDate.parameter(of: type) {
                    let inRange: SQLQueryString = """
                        EXISTS (SELECT 1 FROM sp_date d WHERE d.seq = r.seq AND d.res_type = \(bind: type) AND d.param = \(bind: care)
                        AND d.hi > \(bind: start ?? DateRange.minimum) AND d.lo < \(bind: end ?? DateRange.maximum))
                        """
                    condition = condition.map { $0 + " AND " + inRange } ?? inRange
                }
                if let filter = filters.filters[type] { condition = condition.map { $0 + " AND " + filter } ?? filter }
                if let condition {
                    guarded.append("(r.res_type = \(bind: type) AND " + condition + ")")
                } else {
                    open.append(type)
                }
            } catch {
                continue
            }
        }
        if !open.isEmpty { guarded.insert("r.res_type IN (\(binds: open))", at: 0) }
        var conditions: [SQLQueryString] = ["r.compartment = \(bind: patient)", "r.deleted = 0",
                                            guarded.isEmpty ? "1 = 0" : "(" + guarded.joined(separator: " OR ") + ")"]
        if let since { conditions.append("r.last_updated >= \(bind: since)") }
        let whereSQL = conditions.joined(separator: " AND ")
        var pageSQL: SQLQueryString = "SELECT r.seq, r.res_type, r.res_id, r.content FROM resources r WHERE " + whereSQL
        if let cursor { pageSQL = pageSQL + " AND r.seq > \(bind: cursor)" }
        pageSQL = pageSQL + " ORDER BY r.seq LIMIT \(literal: count + 1)"
        let (page, size, after) = (pageSQL, count, cursor)
        return try await database.read { db in
            let rows = try await db.raw(page).all()
            var entries: [JSON] = []
            var seqs: [Int64] = []
            var seen = Set<String>()
            for row in rows.prefix(size) {
                let type = try row.decode(column: "res_type", as: String.self)
                let id = try row.decode(column: "res_id", as: String.self)
                seqs.append(try row.decode(column: "seq", as: Int64.self))
                seen.insert(type + "/" + id)
                entries.append(Self.entry(baseURL, type, id, .verbatim(try row.decode(column: "content", as: String.self)), mode: "match"))
            }
            if !entries.isEmpty { AccessTrace.add(patient) }
            entries += try await self.referencedOutside(db, seqs: seqs, seen: &seen, baseURL: baseURL)
            var bundle = JSONObject()
            bundle["resourceType"] = "Bundle"
            bundle["id"] = .string(Self.newId())
            bundle["meta"] = ["lastUpdated": .string(Instant.now().iso)]
            bundle["type"] = "searchset"
            if after == nil {
                let total = rows.count <= size ? rows.count
                    : try await db.raw("SELECT COUNT(*) AS n FROM resources r WHERE " + whereSQL).all().first?.decode(column: "n", as: Int.self) ?? 0
                bundle["total"] = .number(String(total))
            }
            let query = parameters.filter { $0.0 != "_cursor" }
            let path = "\(baseURL)/Patient/\(patient)/$everything"
            var links: [JSON] = [Self.link("self", path + (parameters.isEmpty ? "" : "?" + Self.encodeQuery(parameters)))]
            if rows.count > size, let last = seqs.last {
                links.append(Self.link("next", path + "?" + Self.encodeQuery(query + [("_cursor", String(last))])))
            }
            if after != nil { links.append(Self.link("first", path + (query.isEmpty ? "" : "?" + Self.encodeQuery(query)))) }
            bundle["link"] = .array(links)
            if !entries.isEmpty { bundle["entry"] = .array(entries) }
            return .object(bundle)
        }
    }

    /// The resources outside any patient's compartment that the rows `seqs` reference (who treated, where, with
    /// what), as `include` entries; what the caller may not read is left out.
    private func referencedOutside(_ db: any SQLDatabase, seqs: [Int64], seen: inout Set<String>, baseURL: String) async throws -> [JSON] {
        guard !seqs.isEmpty else { return [] }
        let targets = try await db.raw("SELECT DISTINCT target_type, target_id FROM sp_reference WHERE seq IN (\(binds: seqs)) AND target_id IS NOT NULL").all()
        var byType: [String: [String]] = [:]
        for row in targets {
            let type = try row.decode(column: "target_type", as: String.self)
            let id = try row.decode(column: "target_id", as: String.self)
            guard supportedTypes.contains(type), !AccessScope.isPatientData(type), seen.insert(type + "/" + id).inserted else { continue }
            byType[type, default: []].append(id)
        }
        var out: [JSON] = []
        for (type, ids) in byType.sorted(by: { $0.key < $1.key }) {
            var sql: SQLQueryString = "SELECT r.res_id, r.content FROM resources r WHERE r.res_type = \(bind: type) AND r.deleted = 0 AND r.res_id IN (\(binds: ids.sorted()))"
            if let access = AccessScope.current.filterCondition(type) { sql = sql + " AND " + access }
            for row in try await db.raw(sql + " ORDER BY r.seq").all() {
                let id = try row.decode(column: "res_id", as: String.self)
                out.append(Self.entry(baseURL, type, id, .verbatim(try row.decode(column: "content", as: String.self)), mode: "include"))
            }
        }
        return out
    }
}

import Foundation
