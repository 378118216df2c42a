/// Why synthetic data or a detection evaluation could not be produced. The ``description`` names the
/// parameter and the rule, for the person who set up the simulation.
public enum EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A parameter of a ``BaselineModel`` (or a series length) is out of range.
    case invalidModel(String)
    /// An outbreak's length, size or profile is out of range.
    case invalidOutbreak(String)
    /// An outbreak reaches outside the series it is injected into.
    case outbreakOutsideSeries(start: Int, length: Int, seriesLength: Int)
    /// The alarms passed to ``DetectionPerformance`` do not line up with the evaluated time points.
    case alarmsMismatch(String)

    public var description: String {
        switch self {
        case let .invalidModel(text):
            return "invalid baseline model: \(text)"
        case let .invalidOutbreak(text):
            return "invalid outbreak: \(text)"
        case let .outbreakOutsideSeries(start, length, seriesLength):
            return "an outbreak of \(length) time points starting at \(start) does not fit into a series of \(seriesLength) time points (0...\(seriesLength - 1))"
        case let .alarmsMismatch(text):
            return "alarms do not match the evaluated time points: \(text)"
        }
    }
}
