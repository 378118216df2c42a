import FHIRJSON

/// Resources that only a service may write, because the service keeps its own tables consistent with them: a
/// REST write of such a resource is refused with a pointer to the operation to use instead.
public enum ServiceWrites {
    public struct Rule: Sendable {
        public let type: String
        /// What it is about, for the error message.
        public let what: String
        /// Where in the resource the rule looks, for the error message.
        public let element: String
        /// What to use instead, for the error message.
        public let instead: String
        public let matches: @Sendable (JSON) -> Bool
    }

    static func hasType(_ resource: JSON, _ system: String, _ code: String) -> Bool {
        (resource["type"]?.arrayValue ?? []).flatMap { $0["coding"]?.arrayValue ?? [] }
            .contains { $0["system"]?.stringValue == system && $0["code"]?.stringValue == code }
    }

    /// Attachments to primary care and booked slots (module PrimaryCare keeps its `attachments` and `bookings`
    /// tables in step with them).
    public static let rules: [Rule] = [
        Rule(type: "EpisodeOfCare", what: "An EpisodeOfCare of type attachment", element: "type",
             instead: "POST Patient/[id]/$attach and Patient/[id]/$detach") {
            hasType($0, "http://densauluq.kz/fhir/CodeSystem/episode-type", "attachment")
        },
        Rule(type: "Appointment", what: "An Appointment in a Slot", element: "slot",
             instead: "POST Slot/[id]/$book, Appointment/[id]/$cancel and Appointment/[id]/$reschedule") {
            !($0["slot"]?.arrayValue ?? []).isEmpty
        },
    ]

    /// Set by a service while it writes (`ServiceWrites.$active.withValue(true) { … }`).
    @TaskLocal public static var active = false
}
