import FHIRJSON
import FHIRServer
import FHIRStore
import Foundation
import KazakhstanRegions
import Surveillance

/// `POST $scan-outbreaks` (`date`, default today) — runs outbreak detection now for the periods that ended before
/// `date` (the server also runs it every hour); for system administrators and epidemiologists.
/// `GET $signals` — the detection results: `region` (KATO or name), `disease`, `algorithm`, `alarm` (true: alarms
/// only), `since` (period label), `_count`; an epidemiologist reads their region, an analyst every region.
enum OutbreakSignalOperations {
    static func make(_ scan: OutbreakScan, journal: SignalJournal) -> [FHIROperation] {
        let run = FHIROperation(name: "scan-outbreaks", level: .system, affectsState: true,
                                documentation: "Outbreak detection now: Farrington flexible on the last ISO week, EARS C1-C3 on the last day") { call in
            guard call.principal == nil || [.systemAdmin, .epidemiologist].contains(call.principal?.accountRole) else {
                throw FHIRError(403, "forbidden", "Outbreak detection is run by epidemiologists and system administrators")
            }
            let date = try call.parameters.string("date")
            if let date, date.count != 10 || CaseCalendar.dayNumber(date) == nil {
                throw FHIRError(400, "invalid", "date must be a date (YYYY-MM-DD), not '\(date)'", expression: "date")
            }
            let s = try await scan.run(on: date)
            var parts: [(name: String, value: [String: JSON])] = [
                ("week", ["valueString": .string(s.week)]), ("day", ["valueDate": .string(s.day)]),
                ("farrington-years", ["valueInteger": .number(String(s.farringtonYears))]),
                ("weekly-series", ["valueInteger": .number(String(s.weeklySeries))]),
                ("daily-series", ["valueInteger": .number(String(s.dailySeries))]),
                ("signals", ["valueInteger": .number(String(s.signals))]), ("alarms", ["valueInteger": .number(String(s.alarms))]),
                ("tasks-created", ["valueInteger": .number(String(s.tasksCreated))]),
                ("tasks-updated", ["valueInteger": .number(String(s.tasksUpdated))]),
            ]
            parts += s.failures.map { ("failure", ["valueString": .string($0)]) }
            return .parameters(parts)
        }
        let signals = FHIROperation(name: "signals", level: .system, affectsState: false,
                                    documentation: "Outbreak-detection signals: region, disease, algorithm, alarm, since") { call in
            var filter = SignalJournal.Filter()
            let view = try SurveillanceCallers.countsView(call.principal)
            if let region = try call.parameters.string("region") {
                guard let r = Regions.find(region) else { throw FHIRError(400, "invalid", "'\(region)' is not a region of Kazakhstan (KATO code or name)", expression: "region") }
                filter.region = r.kato
            }
            if case .region(let own) = view {
                if let asked = filter.region, asked != own { throw FHIRError(403, "forbidden", "This epidemiologist reads the signals of region \(own) only", expression: "region") }
                filter.region = own
            }
            filter.disease = try call.parameters.string("disease")?.uppercased()
            if let name = try call.parameters.string("algorithm") {
                guard let algorithm = SignalAlgorithm(rawValue: name) else {
                    throw FHIRError(400, "code-invalid", "algorithm must be one of \(SignalAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")), not '\(name)'", expression: "algorithm")
                }
                filter.algorithm = algorithm
            }
            filter.alarmsOnly = try call.parameters.boolean("alarm") ?? false
            filter.since = try call.parameters.string("since")
            let limit = try call.parameters.integer("_count") ?? 500
            return .parameters(try await journal.signals(filter, limit: limit).map { s in
                var parts: [JSON] = [
                    JournalOperations.part("disease", ["valueCode": .string(s.disease)]),
                    JournalOperations.part("region", ["valueCode": .string(s.region)]),
                    JournalOperations.part("algorithm", ["valueCode": .string(s.algorithm.rawValue)]),
                    JournalOperations.part("period", ["valueString": .string(s.period)]),
                    JournalOperations.part("observed", ["valueInteger": .number(String(s.observed))]),
                    JournalOperations.part("alarm", ["valueBoolean": .bool(s.alarm)]),
                    JournalOperations.part("computed", ["valueInstant": .string(s.computed)]),
                ]
                for (name, value) in [("expected", s.expected), ("upperbound", s.upperbound), ("score", s.score)] {
                    if let value { parts.append(JournalOperations.part(name, ["valueDecimal": .number(String(value))])) }
                }
                if let task = s.task { parts.append(JournalOperations.part("task", ["valueReference": ["reference": .string("Task/\(task)")]])) }
                return (name: "signal", value: ["part": .array(parts)])
            })
        }
        return [run, signals]
    }
}
