import FHIRJSON
import FHIRServer
import FHIRStore
import Identity
import PrimaryCare

/// `POST Schedule/$build`, `Schedule/[id]/$approve`, `Schedule/[id]/$publish` — the organisation's schedules
/// (seed 002, process 1.27). `$build` parameters: `practitionerRole` (Reference), `from`, `to` (dates),
/// `weekdays` (`1,2,3,4,5`: Monday is 1), `start`, `end` (`HH:MM`), `minutes` (slot length), `remote` (boolean).
enum ScheduleOperations {
    static func make(_ service: ScheduleService) -> [FHIROperation] {
        let build = FHIROperation(name: "build", level: .type("Schedule"), affectsState: true,
                                  documentation: "Build a draft schedule with slots: practitionerRole, from, to, weekdays?, start?, end?, minutes?, remote?") { call in
            let p = call.parameters
            var plan = ScheduleService.Plan(practitionerRole: try p.requiredReference("practitionerRole", type: "PractitionerRole"),
                                            from: try p.requiredString("from"), to: try p.requiredString("to"))
            if let days = try p.string("weekdays") {
                let parsed = days.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard parsed.allSatisfy({ $0 != nil }) else {
                    throw FHIRError(400, "invalid", "Parameter 'weekdays' must list day numbers like 1,2,3,4,5 (Monday is 1)", expression: "weekdays")
                }
                plan.weekdays = Set(parsed.compactMap { $0 })
            }
            if let start = try p.string("start") { plan.start = start }
            if let end = try p.string("end") { plan.end = end }
            if let minutes = try p.integer("minutes") { plan.minutes = minutes }
            if let remote = try p.boolean("remote") { plan.remote = remote }
            try CallerRules.requireStaff(call.principal, of: try await service.organization(ofRole: plan.practitionerRole), administratorOnly: false)
            return OperationResult(try await service.build(plan).json, status: 201)
        }
        func advance(_ name: String, _ state: ScheduleService.State) -> FHIROperation {
            FHIROperation(name: name, level: .instance("Schedule"), affectsState: true, documentation: "Make the schedule \(state.rawValue)") { call in
                let id = call.id ?? ""
                try CallerRules.requireStaff(call.principal, of: try await service.organization(ofSchedule: id), administratorOnly: true)
                return OperationResult(try await service.advance(schedule: id, to: state).json)
            }
        }
        return [build, advance("approve", .approved), advance("publish", .published)]
    }
}
