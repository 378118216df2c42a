import FHIRServer
import FHIRStore
import Surveillance

/// The FHIR operations of surveillance, to pass to `ServerApplication`.
public enum SurveillanceOperations {
    public static func all(repository: Repository) -> [FHIROperation] {
        let notifications = NotificationService(repository: repository)
        let counts = CaseCounts(repository: repository)
        return [NotifyOperation.make(notifications), SetCaseStatusOperation.make(notifications, counts: counts)] + JournalOperations.make(counts)
            + RegimeOperations.make(BedReports(repository: repository), repository: repository)
            + OutbreakSignalOperations.make(OutbreakScan(repository: repository), journal: SignalJournal(repository: repository))
    }
}
