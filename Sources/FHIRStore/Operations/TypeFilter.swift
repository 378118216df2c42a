import SQLKit

extension Repository {
    /// The `_typeFilter` parameters of `$export` and `$everything`: per type, the SQL condition (on alias `r`) that
    /// its resources must meet — the search each query describes, with the caller's access rules.
    ///
    /// A value is one query (`Observation?code=http://loinc.org|8867-4&date=ge2024`) or several joined by commas
    /// (Bulk Data; a comma inside a query is sent as `%2C`). Several queries for one type widen each other (OR); a
    /// type without one is not filtered. Result parameters (`_sort`, `_include`, `_count` …) are refused: a filter
    /// only selects. A filter of a type that `types` (the operation's `_type`) leaves out is a problem, not a no-op.
    func typeFilters(_ values: [String], parameter: String, patientData: Bool, types: [String]?) -> (filters: [String: SQLQueryString], issues: [OutcomeIssue]) {
        var byType: [String: [SQLQueryString]] = [:]
        var order: [String] = []
        var issues: [OutcomeIssue] = []
        for query in values.flatMap(Self.queries) {
            let located = { (issue: OutcomeIssue) -> OutcomeIssue in
                var i = issue
                i.expression = parameter
                i.diagnostics = "\(query): " + issue.diagnostics
                return i
            }
            guard let mark = query.firstIndex(of: "?") else {
                issues.append(located(OutcomeIssue(code: "invalid", diagnostics: "expected Type?search-parameters")))
                continue
            }
            let type = String(query[..<mark])
            let parameters = SearchRequest.parseQuery(String(query[query.index(after: mark)...]))
            do throws(FHIRError) {
                try checkType(type)
                if let types, !types.contains(type) { throw FHIRError(400, "invalid", "\(type) is filtered but not asked for in _type") }
                if patientData, !AccessScope.isPatientData(type) {
                    throw FHIRError(400, "invalid", "\(type) is not in the Patient compartment")
                }
                let results = parameters.map(\.0).filter(Self.resultParameters.contains)
                if !results.isEmpty {
                    throw FHIRError(400, "not-supported", "a filter selects resources; \(results.joined(separator: ", ")) shapes results and has no place in it")
                }
                let request = try SearchRequest(type: type, parameters: parameters, strict: true)
                let (condition, _) = try whereClause(request)
                guard !request.criteria.isEmpty else { throw FHIRError(400, "invalid", "the query has no search parameter") }
                if byType[type] == nil { order.append(type) }
                byType[type, default: []].append("(" + condition + ")")
            } catch {
                issues += error.issues.map(located)
            }
        }
        var filters: [String: SQLQueryString] = [:]
        for type in order { filters[type] = "(" + (byType[type] ?? []).joined(separator: " OR ") + ")" }
        return (filters, issues)
    }

    /// Search result parameters, which have no place in a filter.
    static let resultParameters: Set<String> = ["_count", "_offset", "_cursor", "_sort", "_include", "_revinclude", "_summary", "_elements", "_total", "_contained", "_containedType"]

    /// The queries of one `_typeFilter` value: split at each comma that begins another `Type?`.
    static func queries(_ value: String) -> [String] {
        var out: [String] = []
        var current = ""
        for piece in value.split(separator: ",", omittingEmptySubsequences: false) {
            let startsQuery = piece.first?.isUppercase == true && piece.prefix { $0 != "?" }.allSatisfy { $0.isLetter } && piece.contains("?")
            if startsQuery || current.isEmpty {
                if !current.isEmpty { out.append(current) }
                current = String(piece)
            } else {
                current += "," + piece
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
