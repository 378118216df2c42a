/// Resources that only a service may write, because the service keeps its own tables consistent with them: a
/// REST write of such a resource is refused with a pointer to the operation to use instead.
public enum ServiceWrites {
    public struct Rule: Sendable {
        public let type: String
        public let system: String
        public let code: String
        /// What to use instead, for the error message.
        public let instead: String
    }

    /// Attachments to primary care (module PrimaryCare keeps the `attachments` table in step with them).
    public static let rules: [Rule] = [
        Rule(type: "EpisodeOfCare", system: "http://densauluq.kz/fhir/CodeSystem/episode-type", code: "attachment",
             instead: "POST Patient/[id]/$attach and Patient/[id]/$detach"),
    ]

    /// Set by a service while it writes (`ServiceWrites.$active.withValue(true) { … }`).
    @TaskLocal public static var active = false
}
