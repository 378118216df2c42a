import FHIRJSON
import Foundation
import SQLKit

extension Repository {
    /// One entry of a batch or transaction Bundle, as parsed.
    struct BundleAction: Sendable {
        var index: Int
        var method: String
        var url: String
        var type: String
        var id: String?
        var query: String?
        var resource: JSON?
        var fullUrl: String?
        var ifNoneExist: String?
        var ifMatch: String?
        /// A GET entry's conditional read (`request.ifNoneMatch`, `request.ifModifiedSince`).
        var ifNoneMatch: String? = nil
        var ifModifiedSince: String? = nil
        var location: String { "Bundle.entry[\(index)]" }
    }

    /// `POST /` with a Bundle of type `transaction` (all or nothing) or `batch` (each entry on its own).
    /// - Parameter importDigest: when set, the digest of an import file recorded in the same transaction,
    ///   so an interrupted import never loads a file twice.
    public func process(bundle: JSON, baseURL: String, importDigest: (digest: String, name: String)? = nil) async throws -> JSON {
        guard bundle["resourceType"]?.stringValue == "Bundle" else {
            throw FHIRError(400, "invalid", "The body of POST / must be a Bundle", expression: "resourceType")
        }
        let bundleType = bundle["type"]?.stringValue
        guard bundleType == "transaction" || bundleType == "batch" else {
            throw FHIRError(400, "invalid", "Bundle.type must be transaction or batch, not \(bundleType ?? "missing")", expression: "Bundle.type")
        }
        let entries = bundle["entry"]?.arrayValue ?? []
        var actions: [BundleAction] = []
        var issues: [OutcomeIssue] = []
        for (i, entry) in entries.enumerated() {
            do throws(FHIRError) { actions.append(try parseAction(entry, index: i)) } catch { issues += error.issues }
        }
        if bundleType == "transaction" {
            for a in actions where a.method != "PATCH" {
                guard let r = a.resource else { continue }
                do throws(FHIRError) { try validate(r, type: a.type, location: a.location + ".resource") } catch { issues += error.issues }
            }
            if !issues.isEmpty { throw FHIRError(status: issues.contains { $0.code == "structure" || $0.code == "not-supported" || $0.code == "required" && $0.expression?.hasSuffix(".request") == true } ? 400 : 422, issues: issues) }
            let actions = actions
            return try await database.transaction { db in
                let responses = try await self.runTransaction(db, actions, baseURL: baseURL)
                if let importDigest { try await self.recordImport(db, importDigest.digest, importDigest.name, actions.count) }
                return Self.responseBundle("transaction-response", responses)
            }
        }
        if !issues.isEmpty { throw FHIRError(status: 400, issues: issues) }
        let count = actions.count
        var responses: [JSON] = []
        var idMap: [String: String] = [:]
        for action in actions {
            do {
                if let r = action.resource, action.method != "PATCH" { try validate(r, type: action.type, location: action.location + ".resource") }
                let response = try await database.transaction { [idMap] db in
                    var map = idMap
                    let r = try await self.runTransaction(db, [action], baseURL: baseURL, idMap: &map)
                    return (r, map)
                }
                idMap = response.1
                responses.append(contentsOf: response.0)
            } catch let error as FHIRError {
                responses.append(["response": ["status": .string(String(error.status)), "outcome": error.operationOutcome]])
            }
        }
        if let importDigest {
            try await database.transaction { db in try await self.recordImport(db, importDigest.digest, importDigest.name, count) }
        }
        return Self.responseBundle("batch-response", responses)
    }

    func parseAction(_ entry: JSON, index: Int) throws(FHIRError) -> BundleAction {
        let loc = "Bundle.entry[\(index)]"
        guard let request = entry["request"], let method = request["method"]?.stringValue, let url = request["url"]?.stringValue else {
            throw FHIRError(400, "required", "Each entry needs request.method and request.url", expression: loc + ".request")
        }
        guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) else {
            throw FHIRError(400, "not-supported", "Method \(method) is not supported in a Bundle entry", expression: loc + ".request.method")
        }
        var path = url
        var query: String?
        if let q = url.firstIndex(of: "?") {
            path = String(url[..<q])
            query = String(url[url.index(after: q)...])
        }
        let parts = path.split(separator: "/").map(String.init)
        guard let type = parts.first else { throw FHIRError(400, "invalid", "Entry URL '\(url)' names no resource type", expression: loc + ".request.url") }
        do { try checkType(type) } catch {
            throw FHIRError(status: error.status, issues: error.issues.map { var i = $0; i.expression = loc + ".request.url"; return i })
        }
        let resource = entry["resource"]
        if method == "POST" || method == "PUT" || method == "PATCH" {
            guard resource != nil else { throw FHIRError(400, "required", "A \(method) entry needs a resource", expression: loc + ".resource") }
        }
        if method == "PATCH" {
            guard resource?["resourceType"]?.stringValue == "Binary", resource?["contentType"]?.stringValue?.hasPrefix("application/json-patch+json") == true else {
                throw FHIRError(400, "not-supported", "A PATCH entry carries its JSON Patch as a Binary with contentType application/json-patch+json", expression: loc + ".resource")
            }
        }
        return BundleAction(index: index, method: method, url: url, type: type, id: parts.count > 1 ? parts[1] : nil, query: query,
                            resource: resource, fullUrl: entry["fullUrl"]?.stringValue,
                            ifNoneExist: request["ifNoneExist"]?.stringValue, ifMatch: request["ifMatch"]?.stringValue,
                            ifNoneMatch: request["ifNoneMatch"]?.stringValue, ifModifiedSince: request["ifModifiedSince"]?.stringValue)
    }

    func runTransaction(_ db: any SQLDatabase, _ actions: [BundleAction], baseURL: String) async throws -> [JSON] {
        var map: [String: String] = [:]
        return try await runTransaction(db, actions, baseURL: baseURL, idMap: &map)
    }

    /// Runs the entries on one connection inside the caller's transaction: resolves ids and conditional
    /// references first, rewrites references, then writes in the order the spec sets (DELETE, POST, PUT, GET).
    func runTransaction(_ db: any SQLDatabase, _ actions: [BundleAction], baseURL: String, idMap: inout [String: String]) async throws -> [JSON] {
        var actions = actions
        var existingForCreate: [Int: StoredResource] = [:]
        // 1. Ids: new ids for creates, the matched resource for conditional creates.
        for (k, a) in actions.enumerated() {
            switch a.method {
            case "POST":
                if let cond = a.ifNoneExist, !cond.isEmpty {
                    let matches = try await matchingIds(db, type: a.type, query: cond)
                    if matches.count > 1 {
                        throw FHIRError(412, "multiple-matches", "ifNoneExist \(cond) matches \(matches.count) resources", expression: a.location + ".request.ifNoneExist")
                    }
                    if let m = matches.first, let existing = try await readCurrent(db, type: a.type, id: m) {
                        existingForCreate[k] = existing
                        actions[k].id = m
                    }
                }
                if actions[k].id == nil || existingForCreate[k] == nil { actions[k].id = Self.newId() }
            case "PUT":
                if let q = a.query {
                    let matches = try await matchingIds(db, type: a.type, query: q)
                    if matches.count > 1 { throw FHIRError(412, "multiple-matches", "\(a.url) matches \(matches.count) resources", expression: a.location + ".request.url") }
                    actions[k].id = matches.first ?? a.resource?["id"]?.stringValue ?? Self.newId()
                }
                guard let id = actions[k].id, ReferenceParser.isId(id) else {
                    throw FHIRError(400, "invalid", "PUT entry URL '\(a.url)' needs an id", expression: a.location + ".request.url")
                }
            default: break
            }
            if let full = a.fullUrl, let id = actions[k].id, a.method == "POST" || a.method == "PUT" {
                idMap[full] = "\(a.type)/\(id)"
            }
        }
        // 2. Rewrite urn:uuid and conditional references. A conditional reference may name a resource that
        //    this bundle creates conditionally with the same criteria.
        var conditionalCache: [String: String] = [:]
        for a in actions where a.method == "POST" {
            if let cond = a.ifNoneExist, let id = a.id { conditionalCache["\(a.type)?\(cond)"] = "\(a.type)/\(id)" }
        }
        // One map for the rewrite, built once (merging per entry made big bundles quadratic).
        var map = idMap
        for (ref, target) in conditionalCache where map[ref] == nil { map[ref] = target }
        for (k, a) in actions.enumerated() {
            guard let resource = a.resource else { continue }
            // Conditional references (`Patient?identifier=…`) not resolved yet, with their locations for errors.
            var pending: [(String, String)] = []
            var known = false
            ReferenceWalk.forEach(in: resource, path: "\(a.location).resource", skipContained: false) { ref, location in
                if map[ref] != nil { known = true } else if ref.utf8.contains(63 /* ? */) { pending.append((ref, location())) }
            }
            for (ref, loc) in pending where map[ref] == nil {
                guard let q = ref.firstIndex(of: "?") else { continue }
                let t = String(ref[..<q])
                let matches = try await matchingIds(db, type: t, query: String(ref[ref.index(after: q)...]))
                guard matches.count == 1 else {
                    throw FHIRError(matches.isEmpty ? 404 : 412, matches.isEmpty ? "not-found" : "multiple-matches",
                                    "Conditional reference \(ref) matches \(matches.count) resources; it must match exactly one", expression: loc)
                }
                map[ref] = "\(t)/\(matches[0])"
            }
            var rewritten = known || !pending.isEmpty ? Self.rewriteReferences(resource, map) : resource
            if a.method == "PUT", case .object(var o) = rewritten, let id = actions[k].id { o["id"] = .string(id); rewritten = .object(o) }
            actions[k].resource = rewritten
        }
        // 3. Write in the spec's order; answer in entry order.
        var responses: [Int: JSON] = [:]
        var written: [(JSON, String)] = []
        // Creates and updates together, in a few multi-row statements.
        var pending: [PendingWrite] = []
        var pendingIndex: [Int] = []
        for (k, a) in actions.enumerated() where a.method == "POST" || a.method == "PUT" {
            if let existing = existingForCreate[k] {
                responses[k] = Self.writeResponse(baseURL, existing, status: "200 OK")
                continue
            }
            guard let r = a.resource, let id = a.id else { continue }
            if a.method == "PUT", a.query == nil, let bodyId = r["id"]?.stringValue, bodyId != id {
                throw FHIRError(400, "invalid", "The resource id \(bodyId) differs from the entry URL \(a.url)", expression: a.location + ".resource.id")
            }
            let expected = try a.ifMatch.map { m throws(FHIRError) in try Self.parseETag(m) }
            pending.append(PendingWrite(type: a.type, id: id, resource: r, expectedVersion: expected, knownNew: a.method == "POST", skipUnchanged: a.method == "PUT", location: a.location + ".resource"))
            pendingIndex.append(k)
        }
        let order = ["DELETE", "WRITE", "PATCH", "GET"]
        for method in order {
            if method == "WRITE" {
                let outcomes = try await writeVersions(db, pending)
                for (k, outcome) in zip(pendingIndex, outcomes) {
                    if !outcome.unchanged { written.append((outcome.resource.json, actions[k].location + ".resource")) }
                    responses[k] = Self.writeResponse(baseURL, outcome.resource, status: outcome.created ? "201 Created" : "200 OK")
                }
                continue
            }
            for (k, a) in actions.enumerated() where a.method == method {
                switch method {
                case "DELETE":
                    if let id = a.id {
                        _ = try await deleteVersion(db, type: a.type, id: id)
                    } else if let q = a.query {
                        for id in try await matchingIds(db, type: a.type, query: q) { _ = try await deleteVersion(db, type: a.type, id: id) }
                    }
                    responses[k] = ["response": ["status": "204 No Content"]]
                case "PATCH":
                    let patch = try Self.bundlePatch(a, references: map)
                    let expected = try a.ifMatch.map { m throws(FHIRError) in try Self.parseETag(m) }
                    let outcome: WriteOutcome
                    if let id = a.id {
                        outcome = try await self.patch(db, type: a.type, id: id, patch: patch, expectedVersion: expected)
                    } else if let q = a.query {
                        outcome = try await self.patch(db, type: a.type, criteria: q, patch: patch, expectedVersion: expected, location: a.location + ".request.url")
                    } else {
                        throw FHIRError(400, "invalid", "PATCH entry URL '\(a.url)' needs an id or criteria", expression: a.location + ".request.url")
                    }
                    responses[k] = Self.writeResponse(baseURL, outcome.resource, status: "200 OK")
                default:
                    if let id = a.id {
                        let r = try await readChecked(db, type: a.type, id: id)
                        if ConditionalRead.notModified(ifNoneMatch: a.ifNoneMatch, ifModifiedSince: a.ifModifiedSince, r) {
                            responses[k] = ["response": ["status": "304 Not Modified", "etag": .string(r.etag), "lastModified": .string(r.lastUpdated)]]
                        } else {
                            responses[k] = ["resource": r.json, "response": ["status": "200 OK", "etag": .string(r.etag), "lastModified": .string(r.lastUpdated)]]
                        }
                    } else {
                        let request = try SearchRequest(type: a.type, parameters: SearchRequest.parseQuery(a.query ?? ""))
                        let result = try await search(db, request, parameters: SearchRequest.parseQuery(a.query ?? ""), baseURL: baseURL)
                        responses[k] = ["resource": result, "response": ["status": "200 OK"]]
                    }
                }
            }
        }
        try await checkReferences(db, written.map { ($0.0, $0.1) })
        return actions.indices.map { responses[$0] ?? ["response": ["status": "200 OK"]] }
    }

    /// The JSON Patch of a PATCH entry: the base64 `data` of its Binary, with the bundle's `urn:uuid` (and resolved
    /// conditional) references in its values rewritten as in the bundle's resources — in a `{"reference": …}` value
    /// and in a string value written at a `…/reference` path.
    static func bundlePatch(_ a: BundleAction, references map: [String: String]) throws(FHIRError) -> JSONPatch {
        guard let data = a.resource?["data"]?.stringValue, let bytes = Data(base64Encoded: data) else {
            throw FHIRError(400, "invalid", "The Binary of a PATCH entry needs base64 data", expression: a.location + ".resource.data")
        }
        var document: JSON
        do { document = try JSONParser.parse(Array(bytes)) } catch {
            throw FHIRError(400, "structure", "The patch is not JSON: \(error.description)", expression: a.location + ".resource.data")
        }
        if !map.isEmpty, case .array(let operations) = document {
            document = .array(operations.map { op in
                guard case .object(var o) = op, let value = o["value"] else { return op }
                if let s = value.stringValue, let target = map[s], o["path"]?.stringValue?.hasSuffix("/reference") == true {
                    o["value"] = .string(target)
                } else {
                    o["value"] = rewriteReferences(value, map)
                }
                return .object(o)
            })
        }
        do throws(FHIRError) { return try jsonPatch(document) } catch {
            throw FHIRError(status: error.status, issues: error.issues.map { var i = $0; i.expression = a.location + ".resource.data"; return i })
        }
    }

    static func writeResponse(_ baseURL: String, _ r: StoredResource, status: String) -> JSON {
        ["fullUrl": .string("\(baseURL)/\(r.type)/\(r.id)"),
         "response": ["status": .string(status), "location": .string(r.versionedReference), "etag": .string(r.etag), "lastModified": .string(r.lastUpdated)]]
    }

    static func responseBundle(_ type: String, _ entries: [JSON]) -> JSON {
        ["resourceType": "Bundle", "id": .string(newId()), "type": .string(type), "entry": .array(entries)]
    }

    static func rewriteReferences(_ node: JSON, _ map: [String: String]) -> JSON {
        guard !map.isEmpty else { return node }
        switch node {
        case .object(let o):
            return .object(JSONObject(o.members.map { m in
                if m.key == "reference", let s = m.value.stringValue, let target = map[s] {
                    return JSONObject.Member(key: m.key, value: .string(target))
                }
                return JSONObject.Member(key: m.key, value: rewriteReferences(m.value, map))
            }))
        case .array(let items): return .array(items.map { rewriteReferences($0, map) })
        default: return node
        }
    }

    func recordImport(_ db: any SQLDatabase, _ digest: String, _ name: String, _ count: Int) async throws {
        try await db.raw("INSERT INTO import_files (digest, name, resources, imported_at) VALUES (\(bind: digest), \(bind: name), \(bind: count), \(bind: Instant.now().iso))").run()
    }

    /// Records an import file as loaded (an NDJSON file, after its last batch).
    public func recordImport(digest: String, name: String, resources: Int = 0) async throws {
        try await database.transaction { db in try await self.recordImport(db, digest, name, resources) }
    }

    /// Whether an import file with this digest has been loaded already.
    public func isImported(digest: String) async throws -> Bool {
        try await database.read { db in
            !(try await db.raw("SELECT 1 AS x FROM import_files WHERE digest = \(bind: digest)").all()).isEmpty
        }
    }
}
