/// A request the strategy monitoring refuses, with every problem and the field it is in.
public enum MonitoringError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable {
        public var field: String
        public var message: String
        public init(field: String, message: String) { self.field = field; self.message = message }
    }

    case invalid([Problem])

    public var problems: [Problem] {
        switch self { case .invalid(let p): p }
    }

    public var description: String {
        problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
    }
}
