import FHIRJSON
import FHIRStore

/// Reading slots and appointments.
enum Slots {
    /// The start of a Slot or Appointment in epoch milliseconds (`Int64.min` when absent or unreadable).
    static func startMillis(_ resource: JSON) -> Int64 {
        resource["start"]?.stringValue.flatMap(DateRange.parse)?.lo ?? Int64.min
    }

    static let modeSystem = "http://densauluq.kz/fhir/CodeSystem/appointment-mode"
    static let videoRoomExtension = "http://densauluq.kz/fhir/StructureDefinition/video-room"
    /// On an Organization: the base URL of the video server its remote consultations use.
    static let videoServerExtension = "http://densauluq.kz/fhir/StructureDefinition/video-server"

    static func isRemote(_ appointment: JSON) -> Bool {
        (appointment["appointmentType"]?["coding"]?.arrayValue ?? []).contains { $0["system"]?.stringValue == modeSystem && $0["code"]?.stringValue == "remote" }
    }

    static func participant(_ appointment: JSON, _ type: String) -> String? {
        (appointment["participant"]?.arrayValue ?? []).lazy.compactMap { Attachment.id($0["actor"]?["reference"]?.stringValue, type) }.first
    }
}
