import FHIRJSON
import SQLKit

extension Repository {
    /// `GET [type]/[id]/_history`, `GET [type]/_history` and `GET /_history`: newest first, with `_count`, `_since` and paging.
    /// - Parameters:
    ///   - type: nil for the whole system.
    ///   - id: nil for a whole type.
    public func history(type: String?, id: String?, parameters: [(String, String)], baseURL: String) async throws -> JSON {
        if let type { try checkType(type) }
        var count = 20
        var offset = 0
        var since: String?
        var issues: [OutcomeIssue] = []
        for (k, v) in parameters {
            switch k {
            case "_count": if let n = Int(v), n >= 0 { count = min(n, SearchRequest.maxCount) } else { issues.append(SearchRequest.bad(k, v, "a non-negative integer")) }
            case "_offset": if let n = Int(v), n >= 0 { offset = n } else { issues.append(SearchRequest.bad(k, v, "a non-negative integer")) }
            case "_since":
                if let r = DateRange.parse(v) { since = Instant(millis: r.lo).iso } else { issues.append(SearchRequest.bad(k, v, "an instant")) }
            case "_format", "_pretty": continue
            default: issues.append(OutcomeIssue(code: "not-supported", diagnostics: "History does not support the parameter '\(k)'", expression: k))
            }
        }
        if !issues.isEmpty { throw FHIRError(status: 400, issues: issues) }
        let access = try AccessScope.current.historyCondition(type)
        if let type, let id {
            let exists = try await database.read { db in try await db.raw("SELECT 1 AS x FROM resources WHERE res_type = \(bind: type) AND res_id = \(bind: id)").all() }
            if exists.isEmpty { throw FHIRError.notFound(type, id) }
        }
        var conditions: [SQLQueryString] = ["1 = 1"]
        // Each version is checked on its own: a resource that moved between patients shows each reader only
        // the versions in the compartments they may read.
        if let access { conditions.append(access) }
        if let type { conditions.append("res_type = \(bind: type)") }
        if let id { conditions.append("res_id = \(bind: id)") }
        if let since { conditions.append("last_updated >= \(bind: since)") }
        let whereSQL = conditions.joined(separator: " AND ")
        let sql: SQLQueryString = "SELECT res_type, res_id, version_id, last_updated, deleted, method, compartment, content FROM resource_history WHERE "
            + whereSQL + " ORDER BY last_updated DESC, hseq DESC LIMIT \(literal: count + 1) OFFSET \(literal: offset)"
        let (rows, total) = try await database.read { db in
            let rows = try await db.raw(sql).all()
            let n = try await db.raw("SELECT COUNT(*) AS n FROM resource_history WHERE " + whereSQL).all()
            return (rows, try n.first?.decode(column: "n", as: Int.self) ?? 0)
        }
        if let type, let id, access != nil, total == 0 {
            throw AccessScope.current.forbidden("read the history of \(type)/\(id)")
        }
        var entries: [JSON] = []
        for row in rows.prefix(count) {
            let t = try row.decode(column: "res_type", as: String.self)
            let i = try row.decode(column: "res_id", as: String.self)
            let v = try row.decode(column: "version_id", as: Int.self)
            let method = try row.decode(column: "method", as: String.self)
            let deleted = try row.decode(column: "deleted", as: Int.self) != 0
            AccessTrace.add(try row.decode(column: "compartment", as: String?.self))
            var entry = JSONObject()
            entry["fullUrl"] = .string("\(baseURL)/\(t)/\(i)")
            if !deleted, let content = try row.decode(column: "content", as: String?.self) {
                entry["resource"] = try JSONParser.parse(content)
            }
            entry["request"] = ["method": .string(method), "url": .string(method == "POST" ? t : "\(t)/\(i)")]
            entry["response"] = ["status": .string(deleted ? "204" : (v == 1 ? "201" : "200")), "etag": .string("W/\"\(v)\""),
                                 "lastModified": .string(try row.decode(column: "last_updated", as: String.self))]
            entries.append(.object(entry))
        }
        let path = [type, id, "_history"].compactMap { $0 }.joined(separator: "/")
        let query = Self.encodeQuery(parameters.filter { $0.0 != "_offset" })
        var links: [JSON] = [Self.link("self", "\(baseURL)/\(path)\(parameters.isEmpty ? "" : "?" + Self.encodeQuery(parameters))")]
        if rows.count > count {
            links.append(Self.link("next", "\(baseURL)/\(path)?\(query)\(query.isEmpty ? "" : "&")_offset=\(offset + count)"))
        }
        var bundle = JSONObject()
        bundle["resourceType"] = "Bundle"
        bundle["id"] = .string(Self.newId())
        bundle["type"] = "history"
        bundle["total"] = .number(String(total))
        bundle["link"] = .array(links)
        if !entries.isEmpty { bundle["entry"] = .array(entries) }
        return .object(bundle)
    }
}
