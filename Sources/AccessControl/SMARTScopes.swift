import FHIRStore

/// The SMART on FHIR scopes of a token (`patient/*.read user/Observation.write system/*.rs` …), as the resource
/// types they let the holder read and write. SMART v1 (`read`, `write`, `*`) and v2 (`c r u d s`) both work.
public struct SMARTScopes: Sendable, Equatable {
    /// Types readable (read or search); nil: every type.
    public private(set) var readable: Set<String>? = []
    /// Types writable (create, update or delete); nil: every type.
    public private(set) var writable: Set<String>? = []

    public init(_ scope: String) {
        for item in scope.split(separator: " ") {
            guard let slash = item.firstIndex(of: "/"), let dot = item.lastIndex(of: "."), slash < dot else { continue }
            let context = item[..<slash]
            guard context == "patient" || context == "user" || context == "system" else { continue }
            let type = String(item[item.index(after: slash)..<dot])
            let access = item[item.index(after: dot)...]
            let reads: Bool
            let writes: Bool
            switch access {
            case "read": (reads, writes) = (true, false)
            case "write": (reads, writes) = (false, true)
            case "*": (reads, writes) = (true, true)
            default:
                // v2: letters c r u d s in that order, e.g. `rs` or `cruds`.
                guard !access.isEmpty, access.allSatisfy({ "cruds".contains($0) }) else { continue }
                reads = access.contains("r") || access.contains("s")
                writes = access.contains("c") || access.contains("u") || access.contains("d")
            }
            if reads { readable = Self.adding(type, to: readable) }
            if writes { writable = Self.adding(type, to: writable) }
        }
    }

    private static func adding(_ type: String, to set: Set<String>?) -> Set<String>? {
        guard var set else { return nil }
        if type == "*" { return nil }
        set.insert(type)
        return set
    }

    /// The scope's types as `AccessScope.Types`.
    static func types(_ set: Set<String>?) -> AccessScope.Types {
        set.map { .only($0) } ?? .all
    }
}

extension AccessScope.Types {
    /// The types both allow.
    func intersection(_ other: AccessScope.Types) -> AccessScope.Types {
        switch (self, other) {
        case (.all, let x), (let x, .all): x
        case (.only(let a), .only(let b)): .only(a.intersection(b))
        }
    }
}
