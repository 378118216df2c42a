import OutbreakDetection

/// The detection algorithms the scheduled scan runs, with the names the CLI, the API and the signal table use.
public enum SignalAlgorithm: String, Sendable, CaseIterable, Codable {
    /// `farringtonFlexible` with the settings of Noufaily et al. (2013) and the `nbPlugin` threshold, on ISO weeks.
    case farringtonFlexible = "farrington-flexible"
    /// EARS C1, C2 and C3 with R's defaults, on days.
    case earsC1 = "ears-c1"
    case earsC2 = "ears-c2"
    case earsC3 = "ears-c3"

    /// Weekly algorithms run on ISO weeks, daily ones on days.
    public var isWeekly: Bool { self == .farringtonFlexible }

    var earsMethod: EARSMethod? {
        switch self {
        case .farringtonFlexible: nil
        case .earsC1: .c1
        case .earsC2: .c2
        case .earsC3: .c3
        }
    }
}
