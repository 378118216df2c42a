import FHIRJSON
import Foundation
import FHIRServer
import FHIRStore
import PrimaryCare

/// `POST [base]/$auto-attach` — attach every unattached living person to the nearest primary-care organisation
/// with room, from their home coordinates (system administrators; also `densauluq attach auto`).
enum AutoAttachOperation {
    static func make(_ service: AttachmentService) -> FHIROperation {
        FHIROperation(name: "auto-attach", level: .system, affectsState: true,
                      documentation: "Attach unattached people to the nearest primary-care organisation with room") { call in
            try CallerRules.requireAdministrator(call.principal, "run the automatic attachment")
            let report = try await service.autoAssign()
            return .parameters([
                ("attached", ["valueInteger": .number(String(report.attached))]),
                ("noRoom", ["valueInteger": .number(String(report.noRoom))]),
                ("noCoordinates", ["valueInteger": .number(String(report.noCoordinates))]),
                ("seconds", ["valueDecimal": .number(String(format: "%.3f", report.seconds))]),
            ])
        }
    }
}
