import Audit
import FHIRStore
import Foundation
import Hummingbird
import Identity
import KazakhstanRegions
import Surveillance

/// The journal of infectious and parasitic diseases of the epidemiologist's region (seed 002, process 5.2): the
/// cases newest first with a filter by disease and dates, and the counts of the last four ISO weeks by disease and
/// district. Every patient listed gets an audit entry, as through `$journal`.
extension EpidemiologyPages {
    func journal(_ page: PageRequest) async throws -> Response {
        let principal = try page.require(Self.roles)
        let region = try region(page, principal)
        var filter = CaseCounts.Filter(region: region.kato)
        filter.disease = page.query("disease")?.uppercased()
        var problems: [String] = []
        for name in ["from", "to"] {
            guard let value = page.query(name) else { continue }
            if value.count == 10, CaseCalendar.dayNumber(value) != nil {
                if name == "from" { filter.from = value } else { filter.to = value }
            } else {
                problems.append(page.t("journal_bad_date", ["date": value]))
            }
        }
        let counts = CaseCounts(repository: app.repository)
        let trace = AccessTrace()
        let cases = try await AccessTrace.$current.withValue(trace) { try await counts.journal(filter, limit: 200) }
        for patient in trace.patients {
            app.audit?.record(AuditEntry(recorded: Instant.now().iso, actor: principal.sub.value, role: principal.role,
                                               organization: principal.org, patient: patient, action: "journal",
                                               target: "/surveillance/journal", outcome: 200))
        }
        // The last four ISO weeks by disease and district.
        let today = Instant.now().dateInKazakhstan
        let end = CaseCalendar.dayNumber(today) ?? 0
        let lastMonday = end - ((end + 3) % 7 + 7) % 7
        let weeks = (0..<4).reversed().compactMap { CaseCalendar.isoWeekLabel(CaseCalendar.date(lastMonday - 7 * $0)) }
        var recent = CaseCounts.Filter(region: region.kato, from: CaseCalendar.date(lastMonday - 21), to: today)
        recent.disease = filter.disease
        let cells = try await counts.counts(recent, period: .week, level: .district)
        var rows: [String: [String: Int]] = [:]
        for cell in cells { rows[cell.disease + "|" + cell.place, default: [:]][cell.period, default: 0] += cell.cases }
        let table = rows.keys.sorted().map { key -> [String: Any] in
            let parts = key.split(separator: "|").map(String.init)
            return ["disease": diseaseName(parts[0], page), "place": parts.count > 1 ? parts[1] : "",
                    "counts": weeks.map { page.language.number(Double(rows[key]?[$0] ?? 0)) }]
        }
        let data: [String: Any] = [
            "region": regionName(region, page.language), "disease": filter.disease ?? "", "from": filter.from ?? "", "to": filter.to ?? "",
            "problems": problems, "has_problems": !problems.isEmpty,
            "cases": cases.map { c -> [String: Any] in
                ["disease": diseaseName(c.disease, page), "code": c.code, "patient": c.patient, "onset": page.language.date(c.onset),
                 "diagnosed": page.language.date(c.diagnosed), "status": page.t("case_" + c.status.rawValue),
                 "laboratory": page.t(c.laboratory ? "yes" : "no"), "notifications": c.notifications,
                 "place": c.settlement ?? c.district ?? c.region, "organization": c.organization]
            },
            "has_cases": !cases.isEmpty, "weeks": weeks, "table": table, "has_table": !table.isEmpty,
        ]
        return page.render("surveillance-journal", title: page.t("journal_title"), data)
    }
}
