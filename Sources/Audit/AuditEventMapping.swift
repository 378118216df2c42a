import FHIRJSON

extension AuditEntry {
    /// The entry as a FHIR R4 AuditEvent, for people and systems that read the trail through the API.
    public func auditEvent(id: String? = nil) -> JSON {
        var event = JSONObject()
        event["resourceType"] = "AuditEvent"
        if let id { event["id"] = .string(id) }
        event["type"] = ["system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest", "display": "RESTful Operation"]
        event["subtype"] = [["system": "http://hl7.org/fhir/restful-interaction", "code": .string(action)]]
        event["action"] = .string(Self.actionCode(action))
        event["recorded"] = .string(recorded)
        // 0 success, 4 minor failure (refused or bad request), 8 serious failure (server error).
        event["outcome"] = .string(outcome < 400 ? "0" : outcome < 500 ? "4" : "8")
        if let purpose {
            event["purposeOfEvent"] = [["coding": [["system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "BTG", "display": "break the glass"]],
                                        "text": .string(purpose)]]
        }
        var agent = JSONObject()
        if let role { agent["type"] = ["text": .string(role)] }
        agent["who"] = ["identifier": ["system": "urn:densauluq:account", "value": .string(actor)], "display": .string(actor)]
        agent["requestor"] = true
        if let source { agent["network"] = ["address": .string(source), "type": "2"] }
        var agents: [JSON] = [.object(agent)]
        if let organization {
            agents.append(["type": ["text": "organization"], "who": ["reference": .string("Organization/\(organization)")], "requestor": false])
        }
        event["agent"] = .array(agents)
        event["source"] = ["observer": ["display": "Densauluq"]]
        var entities: [JSON] = []
        if let patient { entities.append(["what": ["reference": .string("Patient/\(patient)")], "role": ["system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "1", "display": "Patient"]]) }
        entities.append(["what": ["display": .string(target)]])
        event["entity"] = .array(entities)
        return .object(event)
    }

    /// The AuditEvent.action code (C, R, U, D, E) of an interaction.
    static func actionCode(_ action: String) -> String {
        switch action {
        case "create": "C"
        case "read", "vread", "search", "history", "export": "R"
        case "update": "U"
        case "delete": "D"
        default: "E"
        }
    }
}
