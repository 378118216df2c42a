/// Where a notified case stands: suspected on clinical grounds, confirmed (usually by a laboratory), or discarded.
/// In FHIR the case's `Condition.verificationStatus`: provisional, confirmed, refuted.
public enum CaseStatus: String, Sendable, CaseIterable, Codable {
    case suspected, confirmed, discarded

    public static let verificationSystem = "http://terminology.hl7.org/CodeSystem/condition-ver-status"

    /// The `verificationStatus` code.
    public var verificationCode: String {
        switch self {
        case .suspected: "provisional"
        case .confirmed: "confirmed"
        case .discarded: "refuted"
        }
    }

    /// From a `verificationStatus` code; nil for codes a notification cannot carry.
    public init?(verificationCode: String) {
        switch verificationCode {
        case "provisional", "unconfirmed", "differential": self = .suspected
        case "confirmed": self = .confirmed
        case "refuted", "entered-in-error": self = .discarded
        default: return nil
        }
    }

    /// Suspected → confirmed or discarded; confirmed → discarded (a result proved wrong). A discarded case stays
    /// discarded: a new episode is a new notification.
    public func canBecome(_ next: CaseStatus) -> Bool {
        switch (self, next) {
        case (.suspected, .confirmed), (.suspected, .discarded), (.confirmed, .discarded): true
        default: self == next
        }
    }
}
