import FHIRJSON

/// Finds the `reference` elements of a resource with their locations (`Bundle.entry[2].resource.subject.reference`).
///
/// The location is kept as a stack of steps and spelled out only for the references found: most elements hold
/// none, and concatenating a path string for every element of every written resource was a few per cent of an
/// import.
enum ReferenceWalk {
    private enum Step { case key(String), index(Int) }

    /// Calls `visit` with each string `reference` element and its location under `path`, in document order.
    /// - Parameter skipContained: leave out references inside `contained` resources.
    static func forEach(in node: JSON, path: String, skipContained: Bool, _ visit: (_ reference: String, _ location: () -> String) throws -> Void) rethrows {
        var steps: [Step] = []
        func location() -> String {
            var s = path
            for step in steps {
                switch step {
                case .key(let k): s += "." + k
                case .index(let i): s += "[" + String(i) + "]"
                }
            }
            return s + ".reference"
        }
        func walk(_ node: JSON) throws {
            switch node {
            case .object(let o):
                for m in o {
                    if m.key == "reference", let s = m.value.stringValue {
                        try visit(s, location)
                        continue
                    }
                    if skipContained && m.key == "contained" { continue }
                    guard m.value.isContainer else { continue }
                    steps.append(.key(m.key))
                    try walk(m.value)
                    steps.removeLast()
                }
            case .array(let items):
                for (i, item) in items.enumerated() where item.isContainer {
                    steps.append(.index(i))
                    try walk(item)
                    steps.removeLast()
                }
            default: return
            }
        }
        try walk(node)
    }
}

private extension JSON {
    var isContainer: Bool {
        switch self {
        case .object, .array: true
        default: false
        }
    }
}
