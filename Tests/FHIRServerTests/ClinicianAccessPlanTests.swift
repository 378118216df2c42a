import AccessControl
import DatabaseTesting
import FHIRStore
import SQLKit
import Testing

/// A clinician's access is checked per patient with one index range (`sp_reference_target (target_type,
/// target_id, compartment)`), not by listing every patient of the organisation first: on the demo, one read by
/// a polyclinic's clinician took 15 ms that way, and the cost grew with the polyclinic.
@Suite struct ClinicianAccessPlanTests {
    static let probe = PatientSets.careOf(organization: "org-1", practitioner: "pr-1")

    @Test(arguments: TestDatabase.available)
    func eachTargetIsOneIndexRangeForThePatientAtHand(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            // A polyclinic with 3,000 patients' references, and statistics that say so, so that the planner weighs
            // a real choice: one probe for the patient at hand, or all of the polyclinic's references.
            try await repo.database.transaction { sql in
                try await sql.raw("""
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
                    INSERT INTO sp_reference (seq, res_type, param, compartment, target_type, target_id)
                    SELECT i, 'Encounter', 'service-provider', 'p-' || i, 'Organization', 'org-1' FROM n
                    """).run()
            }
            try await repo.database.analyze()
            let select: SQLQueryString = "SELECT r.seq FROM resources r WHERE r.res_type = 'Observation' AND r.res_id = 'o-1' AND " + Self.probe("r.compartment")
            let plan: [String] = try await repo.database.read { sql in
                switch repo.database.kind {
                case .sqlite: try await sql.raw("EXPLAIN QUERY PLAN " + select).all().map { try $0.decode(column: "detail", as: String.self) }
                case .postgres: try await sql.raw("EXPLAIN " + select).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }
                }
            }
            let text = plan.joined(separator: "\n")
            switch repo.database.kind {
            case .sqlite:
                #expect(plan.filter { $0.contains("sp_reference_target (target_type=? AND target_id=? AND compartment=?)") }.count == 2, "\(text)")
                #expect(!text.contains("LIST SUBQUERY"), "\(text)")
            case .postgres:
                #expect(text.contains("(target_type = 'Organization'::text) AND (target_id = 'org-1'::text) AND (compartment = r.compartment)"), "\(text)")
            }
        }
    }
}
