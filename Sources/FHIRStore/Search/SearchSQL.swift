import FHIRDefinitions
import Foundation
import SQLKit

/// Turns search criteria into SQL conditions on a `resources` alias, one sub-select per criterion
/// against the index table of the parameter's type.
struct SearchSQL {
    let type: String
    let alias: String

    /// A criterion's condition: either the index rows the resource must be among, or any other SQL condition.
    enum Condition {
        /// `SELECT seq FROM sp_x WHERE …`: the resource's `seq` must be one of these.
        case rows(SQLQueryString)
        case sql(SQLQueryString)
    }

    func condition(_ c: SearchRequest.Criterion) throws(FHIRError) -> SQLQueryString {
        sql(try criterion(c))
    }

    /// A condition as SQL on the alias.
    func sql(_ condition: Condition) -> SQLQueryString {
        switch condition {
        case .rows(let select): "\(unsafeRaw: alias).seq IN (" + select + ")"
        case .sql(let sql): sql
        }
    }

    /// The conditions of several criteria, ANDed. The index-row criteria are nested into one sub-select
    /// (`seq IN (SELECT seq FROM a WHERE … AND seq IN (SELECT seq FROM b WHERE …))`), so the database intersects
    /// the index rows — each list ordered by `seq` from its covering index — before it touches a resource; as
    /// separate `IN`s PostgreSQL fetched and sorted every resource matching one criterion (7 ms → 0.9 ms for a
    /// patient's Observations with one code in the sample data).
    func conditions(_ conditions: [Condition]) -> [SQLQueryString] {
        var rows: [SQLQueryString] = []
        var others: [SQLQueryString] = []
        for c in conditions {
            switch c {
            case .rows(let select): rows.append(select)
            case .sql(let sql): others.append(sql)
            }
        }
        guard var nested = rows.popLast() else { return others }
        while let outer = rows.popLast() { nested = outer + " AND seq IN (" + nested + ")" }
        return ["\(unsafeRaw: alias).seq IN (" + nested + ")"] + others
    }

    func criterion(_ c: SearchRequest.Criterion) throws(FHIRError) -> Condition {
        if let reverse = c.reverse, let inner = c.inner.first { return .sql(try reverseChained(reverse, inner)) }
        if let chain = c.chain { return try chained(c, chain) }
        if c.code == "_id" { return .sql(idCondition(c)) }
        if c.code == "_lastUpdated" { return .sql(try lastUpdated(c)) }
        guard let def = SearchParameters.forType(type)[c.code] else {
            throw FHIRError(400, "not-supported", "Unknown search parameter '\(c.code)' for \(type)", expression: c.code)
        }
        if c.modifier == "missing" {
            let table = Self.table(for: def.type)
            guard let t = table else { throw FHIRError(400, "not-supported", ":missing is not supported on \(c.code)", expression: c.code) }
            let missing = c.values.first == "true"
            guard c.values.first == "true" || c.values.first == "false" else {
                throw FHIRError(400, "invalid", ":missing takes true or false", expression: c.code + ":missing")
            }
            let select: SQLQueryString = "SELECT seq FROM \(unsafeRaw: t) WHERE res_type = " + Self.name(type) + " AND param = " + Self.name(c.code)
            return missing ? .sql("\(unsafeRaw: alias).seq NOT IN (" + select + ")") : .rows(select)
        }
        switch def.type {
        case .string: return try subselect("sp_string", c.code, ors(c.values) { v throws(FHIRError) in try self.string(v, c.modifier, c.code) })
        case .token:
            if c.modifier == "not" {
                let inner = try ors(c.values) { v throws(FHIRError) in try self.token(v, nil, c.code) }
                return .sql("\(unsafeRaw: alias).seq NOT IN (SELECT seq FROM sp_token WHERE res_type = " + Self.name(type) + " AND param = " + Self.name(c.code) + " AND (\(inner)))")
            }
            return try subselect("sp_token", c.code, ors(c.values) { v throws(FHIRError) in try self.token(v, c.modifier, c.code) })
        case .date: return try subselect("sp_date", c.code, ors(c.values) { v throws(FHIRError) in try self.date(v, c.code) })
        case .number: return try subselect("sp_number", c.code, ors(c.values) { v throws(FHIRError) in try self.number(v, c.code, column: "value") })
        case .quantity: return try subselect("sp_quantity", c.code, ors(c.values) { v throws(FHIRError) in try self.quantity(v, c.code) })
        case .uri: return try subselect("sp_uri", c.code, ors(c.values) { v throws(FHIRError) in try self.uri(v, c.modifier, c.code) })
        case .reference:
            if c.modifier == "identifier" {
                return try subselect("sp_token", c.code + ":identifier", ors(c.values) { v throws(FHIRError) in try self.token(v, nil, c.code) })
            }
            return try subselect("sp_reference", c.code, ors(c.values) { v throws(FHIRError) in try self.reference(v, c.modifier, def) })
        case .composite: return try composite(c, def)
        case .special:
            throw FHIRError(400, "not-supported", "Search parameter '\(c.code)' of type \(def.type.rawValue) is not supported yet", expression: c.code)
        }
    }

    /// Whether the criterion's condition is `seq IN (index rows of this type)`, which already limits the
    /// resource type. The outer `res_type = ?` is then left out: without table statistics SQLite would otherwise
    /// scan every resource of the type instead of looking up the matched rows by key.
    /// (`_has` is a condition on `res_id`, which ids of other types can share, so it does not.)
    static func restrictsType(_ c: SearchRequest.Criterion) -> Bool {
        c.reverse == nil && (c.chain != nil || (c.code != "_id" && c.code != "_lastUpdated" && c.modifier != "missing" && c.modifier != "not"))
    }

    static func table(for type: SearchParamType) -> String? {
        switch type {
        case .string: "sp_string"
        case .token: "sp_token"
        case .date: "sp_date"
        case .number: "sp_number"
        case .quantity: "sp_quantity"
        case .reference: "sp_reference"
        case .uri: "sp_uri"
        case .composite, .special: nil
        }
    }

    /// The resource type and parameter are written as literals, not bound: they come from the definitions, not
    /// from the request, and SQLite compares a bound value in these columns with the partial indexes' conditions
    /// (`res_type = 'Encounter' AND param = 'class'`), marking the statement for a second preparation as soon as
    /// the value is bound — every search was parsed and planned twice.
    func subselect(_ table: String, _ param: String, _ inner: SQLQueryString) -> Condition {
        .rows("SELECT seq FROM \(unsafeRaw: table) WHERE res_type = " + Self.name(type) + " AND param = " + Self.name(param) + " AND (\(inner))")
    }

    /// A name from the definitions (resource type, parameter code) as an SQL string literal. SQLKit's
    /// `literal:` escapes through a generic string search that was 2–3 % of a lookup by ИИН; such names never
    /// hold a quote, and one would be doubled. Table names (`table(for:)`) are the store's own and go in as they are.
    static func name(_ text: String) -> SQLQueryString {
        let escaped = text.utf8.contains(UInt8(ascii: "'")) ? text.replacingOccurrences(of: "'", with: "''") : text
        return "\(unsafeRaw: "'" + escaped + "'")"
    }

    private func ors(_ values: [String], _ make: (String) throws(FHIRError) -> SQLQueryString) throws(FHIRError) -> SQLQueryString {
        var parts: [SQLQueryString] = []
        for v in values { parts.append("(" + (try make(v)) + ")") }
        return parts.joined(separator: " OR ")
    }

    private func idCondition(_ c: SearchRequest.Criterion) -> SQLQueryString {
        let op = c.modifier == "not" ? "NOT IN" : "IN"
        return "\(unsafeRaw: alias).res_id \(unsafeRaw: op) (\(binds: c.values))"
    }

    // MARK: string

    func string(_ v: String, _ modifier: String?, _ code: String) throws(FHIRError) -> SQLQueryString {
        switch modifier {
        case nil:
            let n = StringNormalization.normalize(v)
            return "norm >= \(bind: n) AND norm < \(bind: n + "\u{10FFFF}")"
        case "exact": return "exact = \(bind: v)"
        case "contains": return "norm LIKE \(bind: "%" + StringNormalization.likeEscaped(StringNormalization.normalize(v)) + "%") ESCAPE '\\'"
        default: throw FHIRError(400, "not-supported", "Modifier :\(modifier ?? "") is not supported on string parameter \(code)", expression: code)
        }
    }

    // MARK: token

    func token(_ v: String, _ modifier: String?, _ code: String) throws(FHIRError) -> SQLQueryString {
        switch modifier {
        case nil: break
        case "text":
            let pattern = "%" + StringNormalization.likeEscaped(v.lowercased()) + "%"
            return "LOWER(text) LIKE \(bind: pattern) ESCAPE '\\'"
        default:
            throw FHIRError(400, "not-supported", "Modifier :\(modifier ?? "") is not supported on token parameter \(code)", expression: code)
        }
        if let bar = v.firstIndex(of: "|") {
            let system = String(v[..<bar])
            let value = String(v[v.index(after: bar)...])
            if system.isEmpty { return "code = \(bind: value) AND system IS NULL" }
            if value.isEmpty { return "system = \(bind: system)" }
            return "code = \(bind: value) AND system = \(bind: system)"
        }
        return "code = \(bind: v)"
    }

    // MARK: date

    func date(_ raw: String, _ code: String) throws(FHIRError) -> SQLQueryString {
        let (prefix, value) = SearchPrefix.split(raw)
        guard let r = DateRange.parse(value) else {
            throw FHIRError(400, "invalid", "'\(raw)' is not a valid date search value for \(code)", expression: code)
        }
        return Self.rangeCondition(prefix, r, lo: "lo", hi: "hi")
    }

    /// FHIR's prefix semantics between a stored range [lo, hi) and the search range `p`.
    static func rangeCondition(_ prefix: SearchPrefix, _ p: DateRange, lo: String, hi: String) -> SQLQueryString {
        switch prefix {
        case .eq: return "\(unsafeRaw: lo) >= \(bind: p.lo) AND \(unsafeRaw: hi) <= \(bind: p.hi)"
        case .ne: return "NOT (\(unsafeRaw: lo) >= \(bind: p.lo) AND \(unsafeRaw: hi) <= \(bind: p.hi))"
        case .gt: return "\(unsafeRaw: hi) > \(bind: p.hi)"
        case .lt: return "\(unsafeRaw: lo) < \(bind: p.lo)"
        case .ge: return "\(unsafeRaw: hi) > \(bind: p.lo)"
        case .le: return "\(unsafeRaw: lo) < \(bind: p.hi)"
        case .sa: return "\(unsafeRaw: lo) >= \(bind: p.hi)"
        case .eb: return "\(unsafeRaw: hi) <= \(bind: p.lo)"
        case .ap:
            // Approximately: the search range widened by 10% of its distance from now, overlapping the stored range.
            let now = Instant.now().millis
            let margin = max(abs(now - p.lo) / 10, 86_400_000)
            return "\(unsafeRaw: lo) < \(bind: p.hi + margin) AND \(unsafeRaw: hi) > \(bind: p.lo - margin)"
        }
    }

    private func lastUpdated(_ c: SearchRequest.Criterion) throws(FHIRError) -> SQLQueryString {
        try ors(c.values) { raw throws(FHIRError) in
            let (prefix, value) = SearchPrefix.split(raw)
            guard let p = DateRange.parse(value) else {
                throw FHIRError(400, "invalid", "'\(raw)' is not a valid date for _lastUpdated", expression: "_lastUpdated")
            }
            let col = alias + ".last_updated"
            let lo = Instant(millis: p.lo).iso, hi = Instant(millis: p.hi).iso
            switch prefix {
            case .eq: return "\(unsafeRaw: col) >= \(bind: lo) AND \(unsafeRaw: col) < \(bind: hi)"
            case .ne: return "NOT (\(unsafeRaw: col) >= \(bind: lo) AND \(unsafeRaw: col) < \(bind: hi))"
            case .gt, .sa: return "\(unsafeRaw: col) >= \(bind: hi)"
            case .lt, .eb: return "\(unsafeRaw: col) < \(bind: lo)"
            case .ge: return "\(unsafeRaw: col) >= \(bind: lo)"
            case .le: return "\(unsafeRaw: col) < \(bind: hi)"
            case .ap: return "\(unsafeRaw: col) >= \(bind: lo) AND \(unsafeRaw: col) < \(bind: hi)"
            }
        }
    }

    // MARK: number and quantity

    func number(_ raw: String, _ code: String, column: String) throws(FHIRError) -> SQLQueryString {
        let (prefix, value) = SearchPrefix.split(raw)
        guard let v = Double(value), value.first != "+" else {
            throw FHIRError(400, "invalid", "'\(raw)' is not a valid number search value for \(code)", expression: code)
        }
        // The implicit precision of the literal: 100 means [99.5, 100.5), 100.0 means [99.95, 100.05).
        let scale = value.split(separator: ".").dropFirst().first.map { $0.prefix { $0.isNumber }.count } ?? 0
        let half = 0.5 * pow(10, -Double(scale))
        let c = column
        switch prefix {
        case .eq: return "\(unsafeRaw: c) >= \(bind: v - half) AND \(unsafeRaw: c) < \(bind: v + half)"
        case .ne: return "NOT (\(unsafeRaw: c) >= \(bind: v - half) AND \(unsafeRaw: c) < \(bind: v + half))"
        case .gt, .sa: return "\(unsafeRaw: c) > \(bind: v)"
        case .lt, .eb: return "\(unsafeRaw: c) < \(bind: v)"
        case .ge: return "\(unsafeRaw: c) >= \(bind: v)"
        case .le: return "\(unsafeRaw: c) <= \(bind: v)"
        case .ap:
            let margin = abs(v) * 0.1
            return "\(unsafeRaw: c) >= \(bind: v - margin) AND \(unsafeRaw: c) <= \(bind: v + margin)"
        }
    }

    func quantity(_ raw: String, _ code: String) throws(FHIRError) -> SQLQueryString {
        let parts = raw.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
        var sql = try number(parts[0], code, column: "value")
        if parts.count == 3 {
            if !parts[1].isEmpty { sql = sql + " AND system = \(bind: parts[1])" }
            if !parts[2].isEmpty { sql = sql + " AND code = \(bind: parts[2])" }
        } else if parts.count == 2, !parts[1].isEmpty {
            sql = sql + " AND code = \(bind: parts[1])"
        }
        return sql
    }

    // MARK: uri

    private func uri(_ v: String, _ modifier: String?, _ code: String) throws(FHIRError) -> SQLQueryString {
        switch modifier {
        case nil: return "value = \(bind: v)"
        case "below": return "value >= \(bind: v) AND value < \(bind: v + "\u{10FFFF}")"
        case "above":
            var prefixes: [String] = []
            var s = v
            while !s.isEmpty { prefixes.append(s); s = String(s.dropLast()) }
            return "value IN (\(binds: prefixes))"
        default: throw FHIRError(400, "not-supported", "Modifier :\(modifier ?? "") is not supported on uri parameter \(code)", expression: code)
        }
    }

    // MARK: reference

    private func reference(_ v: String, _ modifier: String?, _ def: SearchParameterDefinition) throws(FHIRError) -> SQLQueryString {
        if v.contains("://") {
            if let parsed = ReferenceParser.parse(v) {
                return "url = \(bind: v) OR (target_type = \(bind: parsed.type) AND target_id = \(bind: parsed.id))"
            }
            return "url = \(bind: v)"
        }
        if let parsed = ReferenceParser.parse(v) {
            if let modifier, modifier != parsed.type {
                throw FHIRError(400, "invalid", "Reference '\(v)' does not match the type modifier :\(modifier)", expression: def.code)
            }
            return "target_type = \(bind: parsed.type) AND target_id = \(bind: parsed.id)"
        }
        guard ReferenceParser.isId(v) else {
            throw FHIRError(400, "invalid", "'\(v)' is not a valid reference search value for \(def.code)", expression: def.code)
        }
        if let modifier {
            guard ResourceTypes.all.contains(modifier) else {
                throw FHIRError(400, "not-supported", "Modifier :\(modifier) is not supported on reference parameter \(def.code)", expression: def.code)
            }
            return "target_type = \(bind: modifier) AND target_id = \(bind: v)"
        }
        return "target_id = \(bind: v)"
    }

    private func chained(_ c: SearchRequest.Criterion, _ chain: (targetType: String?, code: String, modifier: String?)) throws(FHIRError) -> Condition {
        guard let def = SearchParameters.forType(type)[c.code] else {
            throw FHIRError(400, "not-supported", "Unknown search parameter '\(c.code)' for \(type)", expression: c.code)
        }
        let candidates = chain.targetType.map { [$0] } ?? def.targets.filter { t in
            chain.code == "_id" || SearchParameters.forType(t)[chain.code] != nil
        }
        guard !candidates.isEmpty else {
            throw FHIRError(400, "not-supported", "No target type of '\(c.code)' has a search parameter '\(chain.code)'", expression: "\(c.code).\(chain.code)")
        }
        var parts: [SQLQueryString] = []
        for target in candidates {
            let inner = SearchSQL(type: target, alias: "r2")
            let cond = try inner.condition(SearchRequest.Criterion(code: chain.code, modifier: chain.modifier, chain: nil, values: c.values))
            parts.append("(target_type = \(bind: target) AND target_id IN (SELECT r2.res_id FROM resources r2 WHERE r2.res_type = \(bind: target) AND r2.deleted = 0 AND \(cond)))")
        }
        return subselect("sp_reference", c.code, parts.joined(separator: " OR "))
    }

    /// `_has`: the resource's id is the target of `param` in a current resource of `sourceType` that meets `inner`
    /// and that the caller may read (a search must not reveal what it may not show). The sub-select's own `r`
    /// shadows the outer alias, so the source type's conditions and access rules read as they do in a search.
    private func reverseChained(_ link: (sourceType: String, param: String), _ inner: SearchRequest.Criterion) throws(FHIRError) -> SQLQueryString {
        let source = SearchSQL(type: link.sourceType, alias: "r")
        var conditions: [SQLQueryString] = ["r.res_type = " + Self.name(link.sourceType), "r.deleted = 0", try source.condition(inner)]
        if let access = try AccessScope.current.readCondition(link.sourceType) { conditions.append(access) }
        return "\(unsafeRaw: alias).res_id IN (SELECT h.target_id FROM sp_reference h WHERE h.res_type = " + Self.name(link.sourceType)
            + " AND h.param = " + Self.name(link.param) + " AND h.target_type = " + Self.name(type)
            + " AND h.seq IN (SELECT r.seq FROM resources r WHERE " + conditions.joined(separator: " AND ") + "))"
    }

    // MARK: sort

    func sortExpression(_ code: String, descending: Bool) -> SQLQueryString {
        if code == "_id" { return "\(unsafeRaw: alias).res_id" }
        if code == "_lastUpdated" { return "\(unsafeRaw: alias).last_updated" }
        guard let def = SearchParameters.forType(type)[code] else { return "\(unsafeRaw: alias).seq" }
        let agg = descending ? "MAX" : "MIN"
        let column: String
        switch def.type {
        case .string: column = "norm"
        case .token: column = "code"
        case .date: column = descending ? "hi" : "lo"
        case .number, .quantity: column = "value"
        case .reference: column = "target_id"
        case .uri: column = "value"
        case .composite, .special: return "\(unsafeRaw: alias).seq"
        }
        guard let table = Self.table(for: def.type) else { return "\(unsafeRaw: alias).seq" }
        return "(SELECT \(unsafeRaw: agg)(\(unsafeRaw: column)) FROM \(unsafeRaw: table) s WHERE s.seq = \(unsafeRaw: alias).seq AND s.param = " + Self.name(code) + ")"
    }
}
