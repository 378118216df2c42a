/// Why the benchmark could not run; printed to the person who started it.
enum BenchmarkError: Error, CustomStringConvertible {
    case usage(String)
    case cannotRead(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case badCSV(path: String, line: Int, reason: String)
    case generation(String)

    var description: String {
        switch self {
        case let .usage(text): return text
        case let .cannotRead(path, reason): return "cannot read \(path): \(reason)"
        case let .cannotWrite(path, reason): return "cannot write \(path): \(reason)"
        case let .badCSV(path, line, reason): return "\(path), line \(line): \(reason)"
        case let .generation(text): return "cannot generate the data: \(text)"
        }
    }
}
