import FHIRDefinitions
import FHIRJSON
import SQLKit

extension Repository {
    /// `GET [type]?…` and `POST [type]/_search`: a searchset Bundle with paging links.
    /// - Parameters:
    ///   - baseURL: the server base, for fullUrl and links (`http://host:port/fhir`).
    ///   - strict: `Prefer: handling=strict`: unknown parameters are errors instead of being skipped.
    ///   - verbatim: entries carry the stored text as `.verbatim` JSON (for responses) instead of parsed resources.
    ///   - compartment: a compartment search (`GET Patient/[id]/[type]`): only resources in this patient's compartment.
    public func search(type: String, parameters: [(String, String)], baseURL: String, strict: Bool = false, verbatim: Bool = false,
                       compartment: String? = nil) async throws -> JSON {
        try checkType(type)
        var request = try SearchRequest(type: type, parameters: parameters, strict: strict)
        if let compartment {
            guard AccessScope.isPatientData(type) else {
                throw FHIRError(400, "invalid", "\(type) is not in the Patient compartment; search it as /\(type)", expression: type)
            }
            guard ReferenceParser.isId(compartment) else {
                throw FHIRError(400, "invalid", "'\(compartment)' is not a valid Patient id", expression: "Patient")
            }
            request.compartment = compartment
        }
        let clause = try whereClause(request)   // reports every problem before touching the database
        // The self link shows only what was applied, so a client can see what was skipped.
        let ignored = Set(request.ignored)
        let applied = parameters.filter { !ignored.contains($0.0) }
        let ready = request
        return try await database.read(keyLookup: ready.isKeyLookup) { db in try await self.search(db, ready, parameters: applied, baseURL: baseURL, verbatim: verbatim, clause: clause) }
    }

    /// Ids of the current resources matching a query string (conditional create/update/delete, conditional references).
    func matchingIds(_ db: any SQLDatabase, type: String, query: String) async throws -> [String] {
        try checkType(type)
        var request = try SearchRequest(type: type, parameters: SearchRequest.parseQuery(query))
        guard !request.criteria.isEmpty else {
            throw FHIRError(400, "invalid", "Conditional criteria '\(query)' have no search parameter")
        }
        request.count = SearchRequest.maxCount
        let (sql, _) = try whereClause(request)
        let rows = try await db.raw("SELECT r.res_id FROM resources r WHERE " + sql + " LIMIT \(literal: SearchRequest.maxCount)").all()
        return try rows.map { try $0.decode(column: "res_id", as: String.self) }
    }

    func whereClause(_ request: SearchRequest) throws(FHIRError) -> (SQLQueryString, SearchSQL) {
        let builder = SearchSQL(type: request.type, alias: "r")
        var conditions: [SQLQueryString] = request.criteria.contains(where: SearchSQL.restrictsType)
            ? ["r.deleted = 0"] : ["r.res_type = \(bind: request.type)", "r.deleted = 0"]
        // `_has` searches other types: refused (403) when the caller may not read them at all.
        for source in Set(request.criteria.flatMap(\.reverseSources)) { _ = try AccessScope.current.readCondition(source) }
        var issues: [OutcomeIssue] = request.problems
        var criteria: [SearchSQL.Condition] = []
        for c in request.criteria {
            do throws(FHIRError) { criteria.append(try builder.criterion(c)) } catch { issues += error.issues }
        }
        if !issues.isEmpty { throw FHIRError(status: 400, issues: issues) }
        conditions += builder.conditions(criteria)
        if let compartment = request.compartment { conditions.append("r.compartment = \(bind: compartment)") }
        let scope = AccessScope.current
        if let access = try scope.readCondition(request.type) { conditions.append(access) }
        if scope.searchNeedsPatient, AccessScope.isPatientData(request.type), request.compartment == nil,
           !request.criteria.contains(where: { Self.patientNaming.contains($0.code) && $0.chain == nil }) {
            throw scope.forbidden("search \(request.type) without naming a patient (\(Self.patientNaming.sorted().joined(separator: ", ")))")
        }
        return (conditions.joined(separator: " AND "), builder)
    }

    /// Search parameters that name one patient or record; a scope with `searchNeedsPatient` requires one of them.
    static let patientNaming: Set<String> = ["patient", "subject", "identifier", "_id", "beneficiary"]

    func search(_ db: any SQLDatabase, _ request: SearchRequest, parameters: [(String, String)], baseURL: String,
                verbatim: Bool = false, clause: (SQLQueryString, SearchSQL)? = nil) async throws -> JSON {
        let passThrough = verbatim && request.elements == nil && request.summary == nil
        let (whereSQL, builder) = try clause ?? whereClause(request)
        let countSQL: SQLQueryString = "SELECT COUNT(*) AS n FROM resources r WHERE " + whereSQL
        let wantsTotal = request.summaryCount || request.total == .accurate || request.total == .estimate
        var bundle = JSONObject()
        bundle["resourceType"] = "Bundle"
        bundle["id"] = .string(Self.newId())
        bundle["meta"] = ["lastUpdated": .string(Instant.now().iso)]
        bundle["type"] = "searchset"
        let selfQuery = Self.encodeQuery(parameters.filter { $0.0 != "_cursor" && $0.0 != "_offset" })
        var links: [JSON] = [Self.link("self", "\(baseURL)/\(request.path)?\(Self.encodeQuery(parameters))")]
        if request.summaryCount || request.count == 0 {
            if wantsTotal, let n = try await db.raw(countSQL).all().first?.decode(column: "n", as: Int.self) { bundle["total"] = .number(String(n)) }
            bundle["link"] = .array(links)
            if let outcome = Self.ignoredOutcome(request) { bundle["entry"] = [outcome] }
            return .object(bundle)
        }

        // Page: keyset on seq for the default order (stable while others write), offset with an explicit _sort.
        var sql: SQLQueryString = "SELECT r.seq, r.res_id, r.version_id, r.compartment, r.content FROM resources r WHERE " + whereSQL
        let firstPage = request.cursor == nil && request.offset == 0
        // PostgreSQL: the first page and the count in one statement. The matches' seqs are counted by a window
        // over the whole result before the limit, and only the page's rows are read in full; planning, about half
        // the cost of a search there, is then done once instead of twice. SQLite plans in microseconds, and the
        // window's temporary b-trees cost it more than the second statement saves.
        let counted = wantsTotal && firstPage && request.sort.isEmpty && database.kind == .postgres
        if counted {
            sql = "SELECT r.seq, r.res_id, r.version_id, r.compartment, r.content, m.total FROM (SELECT r.seq, COUNT(*) OVER () AS total FROM resources r WHERE "
                + whereSQL + " ORDER BY r.seq LIMIT \(literal: request.count + 1)) m JOIN resources r ON r.seq = m.seq ORDER BY r.seq"
        } else if request.sort.isEmpty {
            if let cursor = request.cursor { sql = sql + " AND r.seq > \(bind: cursor)" }
            sql = sql + " ORDER BY r.seq"
        } else {
            let orders = request.sort.map { s -> SQLQueryString in
                builder.sortExpression(s.code, descending: s.descending) + (s.descending ? " DESC" : " ASC")
            }
            sql = sql + " ORDER BY " + orders.joined(separator: ", ") + ", r.seq"
        }
        if !counted { sql = sql + " LIMIT \(literal: request.count + 1)" }
        if !request.sort.isEmpty && request.offset > 0 { sql = sql + " OFFSET \(literal: request.offset)" }
        let rows = try await db.raw(sql).all()
        if wantsTotal {
            // A first page that holds every match is its own count; later pages and sorted results need COUNT(*).
            let total = counted ? try rows.first?.decode(column: "total", as: Int.self) ?? 0
                : firstPage && rows.count <= request.count ? rows.count
                : try await db.raw(countSQL).all().first?.decode(column: "n", as: Int.self)
            if let total { bundle["total"] = .number(String(total)) }
        }
        var entries: [JSON] = []
        var seqs: [Int64] = []
        var matchRefs: [(String, String)] = []
        for row in rows.prefix(request.count) {
            let seq = try row.decode(column: "seq", as: Int64.self)
            let id = try row.decode(column: "res_id", as: String.self)
            let content = try row.decode(column: "content", as: String.self)
            AccessTrace.add(try row.decode(column: "compartment", as: String?.self))
            seqs.append(seq)
            matchRefs.append((request.type, id))
            entries.append(Self.entry(baseURL, request.type, id, passThrough ? .verbatim(content) : shape(try JSONParser.parse(content), request), mode: "match"))
        }
        if rows.count > request.count {
            let next: String
            if request.sort.isEmpty {
                next = "\(selfQuery)\(selfQuery.isEmpty ? "" : "&")_cursor=\(seqs.last ?? 0)"
            } else {
                next = "\(selfQuery)\(selfQuery.isEmpty ? "" : "&")_offset=\(request.offset + request.count)"
            }
            links.append(Self.link("next", "\(baseURL)/\(request.path)?\(next)"))
        }
        if request.cursor != nil || request.offset > 0 {
            links.append(Self.link("first", "\(baseURL)/\(request.path)?\(selfQuery)"))
        }
        bundle["link"] = .array(links)
        entries += try await included(db, request, seqs: seqs, matches: matchRefs, baseURL: baseURL)
        if let outcome = Self.ignoredOutcome(request) { entries.append(outcome) }
        bundle["entry"] = .array(entries)
        if entries.isEmpty { bundle["entry"] = nil }
        return .object(bundle)
    }

    /// A `search.mode = outcome` entry warning about each parameter a lenient search skipped.
    static func ignoredOutcome(_ request: SearchRequest) -> JSON? {
        guard !request.ignored.isEmpty else { return nil }
        let issues = request.ignored.map {
            OutcomeIssue(severity: "warning", code: "not-supported", diagnostics: "Unknown search parameter '\($0)' for \(request.type) was ignored", expression: $0)
        }
        return ["resource": OperationOutcome.make(issues), "search": ["mode": "outcome"]]
    }

    /// `_include` and `_revinclude` resources for a page of matches, each once; then the `:iterate` ones, applied
    /// to the matches and what was included, again to what that brought in, up to `maxIterations` rounds and
    /// `SearchRequest.maxCount` resources (a MedicationDispense's prescription and that prescription's medication).
    func included(_ db: any SQLDatabase, _ request: SearchRequest, seqs: [Int64], matches: [(String, String)], baseURL: String) async throws -> [JSON] {
        let iterating = !(request.iterateIncludes.isEmpty && request.iterateRevincludes.isEmpty)
        guard !seqs.isEmpty, !(request.includes.isEmpty && request.revincludes.isEmpty) || iterating else { return [] }
        var seen = Set(matches.map { $0.0 + "/" + $0.1 })
        var out: [JSON] = []
        var brought: [(String, String)] = []
        for inc in request.includes where inc.sourceType == request.type {
            brought += try await include(db, inc, from: "IN (\(binds: seqs))", seen: &seen, out: &out, request, baseURL)
        }
        for rev in request.revincludes {
            brought += try await revinclude(db, rev, of: request.type, ids: matches.map(\.1), seen: &seen, out: &out, request, baseURL)
        }
        var sources = iterating ? matches + brought : []
        var round = 0
        while !sources.isEmpty, round < Self.maxIterations, out.count < SearchRequest.maxCount {
            var next: [(String, String)] = []
            let byType = Dictionary(grouping: sources, by: \.0).mapValues { $0.map(\.1) }
            for inc in request.iterateIncludes {
                guard let ids = byType[inc.sourceType] else { continue }
                let from: SQLQueryString = "IN (SELECT seq FROM resources WHERE res_type = \(bind: inc.sourceType) AND deleted = 0 AND res_id IN (\(binds: ids)))"
                next += try await include(db, inc, from: from, seen: &seen, out: &out, request, baseURL)
            }
            for rev in request.iterateRevincludes {
                for (type, ids) in byType.sorted(by: { $0.key < $1.key }) where rev.targetType == nil || rev.targetType == type {
                    next += try await revinclude(db, rev, of: type, ids: ids, seen: &seen, out: &out, request, baseURL)
                }
            }
            sources = next
            round += 1
        }
        return out
    }

    /// Rounds of `:iterate`: enough for chains such as dispense → prescription → medication → its manufacturer.
    static let maxIterations = 4

    /// The resources that `inc.param` of the rows `from` (an `IN (…)` over `seq`) references; appended to `out`.
    private func include(_ db: any SQLDatabase, _ inc: (sourceType: String, param: String, targetType: String?), from: SQLQueryString,
                         seen: inout Set<String>, out: inout [JSON], _ request: SearchRequest, _ baseURL: String) async throws -> [(String, String)] {
        var sql: SQLQueryString = "SELECT DISTINCT target_type, target_id FROM sp_reference WHERE res_type = \(bind: inc.sourceType) AND seq " + from
            + " AND param = \(bind: inc.param) AND target_id IS NOT NULL"
        if let t = inc.targetType { sql = sql + " AND target_type = \(bind: t)" }
        let targets = try await db.raw(sql).all().map { (try $0.decode(column: "target_type", as: String.self), try $0.decode(column: "target_id", as: String.self)) }
        var added: [(String, String)] = []
        for (t, id) in targets where seen.insert(t + "/" + id).inserted {
            if let r = try await readCurrent(db, type: t, id: id) {
                out.append(Self.entry(baseURL, t, id, shape(r.json, request), mode: "include"))
                added.append((t, id))
            }
        }
        return added
    }

    /// The resources of `rev.sourceType` whose `rev.param` references one of `ids` of `type`, as far as the reader
    /// may see them (left out, not refused: the resources they point at were allowed); appended to `out`.
    private func revinclude(_ db: any SQLDatabase, _ rev: (sourceType: String, param: String, targetType: String?), of type: String, ids: [String],
                            seen: inout Set<String>, out: inout [JSON], _ request: SearchRequest, _ baseURL: String) async throws -> [(String, String)] {
        var sql: SQLQueryString = """
            SELECT r.res_id, r.compartment, r.content FROM resources r WHERE r.res_type = \(bind: rev.sourceType) AND r.deleted = 0 AND r.seq IN
            (SELECT seq FROM sp_reference WHERE res_type = \(bind: rev.sourceType) AND param = \(bind: rev.param)
             AND target_type = \(bind: type) AND target_id IN (\(binds: ids)))
            """
        if let access = AccessScope.current.filterCondition(rev.sourceType) { sql = sql + " AND " + access }
        sql = sql + " LIMIT \(literal: SearchRequest.maxCount)"
        var added: [(String, String)] = []
        for row in try await db.raw(sql).all() {
            let id = try row.decode(column: "res_id", as: String.self)
            guard seen.insert(rev.sourceType + "/" + id).inserted else { continue }
            AccessTrace.add(try row.decode(column: "compartment", as: String?.self))
            let json = try JSONParser.parse(try row.decode(column: "content", as: String.self))
            out.append(Self.entry(baseURL, rev.sourceType, id, shape(json, request), mode: "include"))
            added.append((rev.sourceType, id))
        }
        return added
    }

    /// Applies `_elements` and `_summary=text|data` to a resource, marking it SUBSETTED.
    func shape(_ json: JSON, _ request: SearchRequest) -> JSON {
        guard case .object(let o) = json else { return json }
        var keep: Set<String>?
        if let elements = request.elements { keep = Set(elements).union(["resourceType", "id", "meta"]) }
        switch request.summary {
        case "text": keep = ["resourceType", "id", "meta", "text"]
        case "data": keep = Set(o.keys).subtracting(["text"])
        default: break
        }
        guard let keep else { return json }
        return Self.subset(o, keeping: keep)
    }

    /// The resource with only the top-level elements `keep`, tagged SUBSETTED (also `$export`'s `_elements`).
    static func subset(_ o: JSONObject, keeping keep: Set<String>) -> JSON {
        var out = JSONObject(o.members.filter { keep.contains($0.key) })
        var meta = out["meta"]?.objectValue ?? JSONObject()
        var tags = meta["tag"]?.arrayValue ?? []
        tags.append(["system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "code": "SUBSETTED"])
        meta["tag"] = .array(tags)
        out["meta"] = .object(meta)
        return .object(out)
    }

    static func entry(_ baseURL: String, _ type: String, _ id: String, _ resource: JSON, mode: String) -> JSON {
        ["fullUrl": .string("\(baseURL)/\(type)/\(id)"), "resource": resource, "search": ["mode": .string(mode)]]
    }

    static func link(_ relation: String, _ url: String) -> JSON {
        ["relation": .string(relation), "url": .string(url)]
    }

    static func encodeQuery(_ parameters: [(String, String)]) -> String {
        parameters.map { k, v in QueryEncoding.encode(k) + "=" + QueryEncoding.encode(v) }.joined(separator: "&")
    }
}

import Foundation
