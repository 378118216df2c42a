import FHIRJSON
import FHIRServer
import FHIRStore
import Foundation
import Identity
import Surveillance

/// `POST Organization/[id]/$bed-report` (`day`, `deployed`, `occupied`) — a hospital's infectious beds today;
/// `GET $regime?date=&disease=` — the pandemic plan's restriction rule for every region: R, ПЗК, decision.
enum RegimeOperations {
    static func make(_ beds: BedReports, repository: Repository) -> [FHIROperation] {
        let report = FHIROperation(name: "bed-report", level: .instance("Organization"), affectsState: true,
                                   documentation: "Infectious-disease beds of a hospital on a day: day, deployed, occupied") { call in
            let organization = call.id ?? ""
            if let principal = call.principal, principal.accountRole != .systemAdmin, principal.org != organization {
                throw FHIRError(403, "forbidden", "Only the staff or the information system of Organization/\(organization) report its beds")
            }
            let day = try call.parameters.string("day") ?? Instant.now().dateInKazakhstan
            guard let deployed = try call.parameters.integer("deployed") else { throw FHIRError(400, "required", "Parameter 'deployed' is required", expression: "deployed") }
            guard let occupied = try call.parameters.integer("occupied") else { throw FHIRError(400, "required", "Parameter 'occupied' is required", expression: "occupied") }
            return OperationResult(try await beds.report(organization: organization, day: day, deployed: deployed, occupied: occupied).json, status: 201)
        }
        let regime = FHIROperation(name: "regime", level: .system, affectsState: false,
                                   documentation: "Restriction rule of the pandemic plan per region: R (Cori), bed occupancy, tighten/keep/relax") { call in
            switch try SurveillanceCallers.countsView(call.principal) {
            case .everything, .region: break
            case .organization: throw FHIRError(403, "forbidden", "The regime assessment is for epidemiologists and analysts")
            }
            let day = try call.parameters.string("date") ?? Instant.now().dateInKazakhstan
            let disease = try call.parameters.string("disease")?.uppercased() ?? "U07"
            let regions = try await RegimeAssessment(repository: repository, disease: disease).assess(on: day)
            return .parameters(regions.map { r in
                var parts: [JSON] = [
                    JournalOperations.part("region", ["valueCode": .string(r.region)]), JournalOperations.part("name", ["valueString": .string(r.name)]),
                    JournalOperations.part("cases", ["valueInteger": .number(String(r.cases))]),
                    JournalOperations.part("decision", ["valueCode": .string(r.decision.rawValue)]),
                    JournalOperations.part("clause", ["valueCode": .string(r.clause.rawValue)]),
                ]
                if let e = r.r {
                    parts.append(JournalOperations.part("r", ["valueDecimal": .number(String(format: "%.3f", e.mean))]))
                    parts.append(JournalOperations.part("r-lower", ["valueDecimal": .number(String(format: "%.3f", e.lower))]))
                    parts.append(JournalOperations.part("r-upper", ["valueDecimal": .number(String(format: "%.3f", e.upper))]))
                }
                if let o = r.occupancy { parts.append(JournalOperations.part("occupancy", ["valueDecimal": .number(String(format: "%.1f", o))])) }
                return (name: "region", value: ["part": .array(parts)])
            })
        }
        return [report, regime]
    }
}
