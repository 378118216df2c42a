import FHIRJSON
import FHIRStore
import KazakhstanRegions

/// The FHIR Task that an alarm raises for the epidemiologists of the region: investigate the signal. One open task
/// per disease and region gathers the alarms of every algorithm and period until an epidemiologist closes it.
///
/// Profile: `status` requested, `intent` order, `priority` urgent, `code` outbreak-signal, `reasonCode` the ICD-10
/// category, `performerType` epidemiologist, `extension(kato)` the region, `input` one entry per alarm (algorithm,
/// period, observed, upper bound), `authoredOn`/`lastModified`.
enum OutbreakTask {
    static let codeSystem = "http://densauluq.kz/fhir/CodeSystem/task-code"
    static let code = "outbreak-signal"
    static let roleSystem = "http://densauluq.kz/fhir/CodeSystem/role"
    static let signalSystem = "http://densauluq.kz/fhir/CodeSystem/outbreak-signal"
    /// A task in one of these states still gathers new alarms.
    static let openStatuses: Set<String> = ["draft", "requested", "received", "accepted", "ready", "in-progress", "on-hold"]

    static func new(disease: String, region: String, alarms: [Signal], now: String) -> JSON {
        let name = Region.of(kato: region)?.nameEn ?? region
        let kato: JSON = ["url": .string(CaseNotification.katoExtension), "valueCode": .string(region)]
        let taskCode: JSON = ["system": .string(codeSystem), "code": .string(code), "display": "Investigate an outbreak signal"]
        let icd: JSON = ["system": .string(CaseNotification.icd10), "code": .string(disease)]
        let role: JSON = ["system": .string(roleSystem), "code": "epidemiologist"]
        var task = JSONObject()
        task["resourceType"] = "Task"
        task["extension"] = .array([kato])
        task["status"] = "requested"
        task["intent"] = "order"
        task["priority"] = "urgent"
        task["code"] = ["coding": .array([taskCode])]
        task["description"] = .string("Outbreak signal: \(disease) in \(name)")
        task["reasonCode"] = ["coding": .array([icd])]
        task["performerType"] = .array([["coding": .array([role])]])
        task["authoredOn"] = .string(now)
        task["lastModified"] = .string(now)
        task["input"] = .array(alarms.map(input))
        return .object(task)
    }

    /// The open task with the new alarms added.
    static func adding(_ alarms: [Signal], to task: JSON, now: String) -> JSON {
        guard case .object(var o) = task else { return task }
        o["input"] = .array((o["input"]?.arrayValue ?? []) + alarms.map(input))
        o["lastModified"] = .string(now)
        return .object(o)
    }

    static func isOpen(_ task: JSON) -> Bool {
        task["status"].flatMap(\.stringValue).map(openStatuses.contains) ?? false
    }

    /// One alarm as a Task input: the algorithm and period as the type, the observed count and bound as text.
    static func input(_ signal: Signal) -> JSON {
        var text = "\(signal.algorithm.rawValue) \(signal.period): \(signal.observed) cases"
        if let bound = signal.upperbound { text += ", upper bound \(Self.decimal(bound))" }
        let coding: JSON = ["system": .string(signalSystem), "code": .string(signal.algorithm.rawValue)]
        let type: JSON = ["coding": .array([coding]), "text": .string(signal.period)]
        return ["type": type, "valueString": .string(text)]
    }

    static func decimal(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
