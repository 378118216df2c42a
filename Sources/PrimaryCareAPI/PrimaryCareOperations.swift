import FHIRServer
import FHIRStore
import PrimaryCare

/// The FHIR operations of the primary-care services, to pass to `ServerApplication`.
public enum PrimaryCareOperations {
    public static func all(repository: Repository) -> [FHIROperation] {
        let attachment = AttachmentService(repository: repository)
        let booking = BookingService(repository: repository)
        let homeVisits = HomeVisitService(repository: repository)
        return [AttachOperation.make(attachment), DetachOperation.make(attachment), AutoAttachOperation.make(attachment)]
            + ScheduleOperations.make(ScheduleService(repository: repository))
            + BookingOperations.make(booking)
            + HomeVisitOperations.make(homeVisits, attachments: attachment)
            + CompleteOperations.make(VisitRecordService(repository: repository), booking: booking, homeVisits: homeVisits)
    }
}
