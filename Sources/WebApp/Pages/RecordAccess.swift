import AccessControl
import Audit
import FHIRStore
import Foundation
import Identity

/// Pages that read or write health records do it within the signed-in person's access scope — the same rules
/// as the FHIR API (`AccessPolicy`) — and leave an audit entry per patient touched, as the API does.
extension PageRequest {
    func withRecordAccess<T: Sendable>(_ action: String, _ body: @Sendable () async throws -> T) async throws -> T {
        guard let principal else { throw PageRefusal(status: 403, messageKey: "forbidden") }
        let scope: AccessScope
        do { scope = try AccessPolicy().scope(for: principal, accessReason: nil) } catch { throw PageRefusal(status: 403, messageKey: "forbidden") }
        let trace = AccessTrace()
        let status: Int
        let result: Result<T, any Error>
        do {
            result = .success(try await AccessScope.$current.withValue(scope) { try await AccessTrace.$current.withValue(trace) { try await body() } })
            status = 200
        } catch let error as FHIRError {
            result = .failure(error)
            status = error.status
        } catch {
            result = .failure(error)
            status = 500
        }
        for patient in trace.patients {
            app.audit?.record(AuditEntry(recorded: Instant.now().iso, actor: principal.sub.value, role: principal.role, organization: principal.org,
                                               patient: patient, action: action, target: request.uri.path, outcome: status))
        }
        return try result.get()
    }
}
