import FHIRJSON
import FHIRServer
import FHIRStore
import Surveillance

/// `POST Condition/$notify` — an emergency notification of a case (the Condition itself, or Parameters with
/// `resource`). Answers the case's Condition: 201 for a new case, 200 when merged into a known one (the
/// `X-`-free way: the answer's `meta.tag` says `merged`).
enum NotifyOperation {
    static let tagSystem = "http://densauluq.kz/fhir/CodeSystem/notification-outcome"

    static func make(_ service: NotificationService) -> FHIROperation {
        FHIROperation(name: "notify", level: .type("Condition"), affectsState: true,
                      documentation: "Emergency notification of a case of a notifiable disease; a repeated one is merged into its case") { call in
            let caller = try SurveillanceCallers.notifier(call.principal)
            guard let (condition, location) = try call.parameters.resource("resource") else {
                throw FHIRError(400, "required", "Post the case's Condition (or Parameters with 'resource')", expression: "resource")
            }
            let outcome = try await service.notify(condition, location: location, organization: caller.organization,
                                                   channel: caller.manual ? .manual : .electronic)
            var json = outcome.condition.json
            if case .object(var o) = json {
                var meta = o["meta"]?.objectValue ?? JSONObject()
                meta["tag"] = [["system": .string(tagSystem), "code": .string(outcome.merged ? "merged" : "new-case")]]
                o["meta"] = .object(meta)
                json = .object(o)
            }
            return OperationResult(json, status: outcome.merged ? 200 : 201)
        }
    }
}
