import SQLKit

/// Case counts of every disease and region as regular series, the input of outbreak detection.
///
/// Cases are counted by their date of diagnosis, not of onset: a notification is due within a day of the diagnosis,
/// so the last week's diagnosis counts are complete when the week ends, whereas onset counts of recent weeks keep
/// growing for weeks and would hide an outbreak just when it starts. Discarded cases do not count.
struct CaseSeries: Sendable {
    struct Key: Hashable, Sendable, Comparable {
        var disease: String
        var region: String
        static func < (a: Key, b: Key) -> Bool { (a.disease, a.region) < (b.disease, b.region) }
    }

    /// Day number of the first time point and the length of one time point in days (7 for ISO weeks).
    let start: Int
    let step: Int
    let length: Int
    /// Only the series with at least one case in the window.
    let counts: [Key: [Int]]

    /// Counts of `length` time points of `step` days from day number `start` (a Monday for weeks).
    static func read(_ db: any SQLDatabase, start: Int, step: Int, length: Int) async throws -> CaseSeries {
        let end = start + step * length - 1
        let rows = try await db.raw("""
            SELECT disease, region, diagnosed, COUNT(*) AS n FROM surveillance_cases WHERE status <> 'discarded'
              AND diagnosed >= \(bind: CaseCalendar.date(start)) AND diagnosed <= \(bind: CaseCalendar.date(end)) GROUP BY disease, region, diagnosed
            """).all()
        var counts: [Key: [Int]] = [:]
        for row in rows {
            guard let day = CaseCalendar.dayNumber(try row.decode(column: "diagnosed", as: String.self)) else { continue }
            let key = Key(disease: try row.decode(column: "disease", as: String.self), region: try row.decode(column: "region", as: String.self))
            counts[key, default: Array(repeating: 0, count: length)][(day - start) / step] += try row.decode(column: "n", as: Int.self)
        }
        return CaseSeries(start: start, step: step, length: length, counts: counts)
    }

    /// The earliest date of diagnosis in the journal: the start of surveillance, before which zeros mean nothing.
    static func firstDay(_ db: any SQLDatabase) async throws -> Int? {
        guard let row = try await db.raw("SELECT MIN(diagnosed) AS first FROM surveillance_cases").first(),
              let first = try row.decode(column: "first", as: String?.self) else { return nil }
        return CaseCalendar.dayNumber(first)
    }

    /// The label of time point `index`: the ISO week (`2026-W48`) or the date.
    func label(_ index: Int) -> String {
        let day = CaseCalendar.date(start + index * step)
        return step == 7 ? (CaseCalendar.isoWeekLabel(day) ?? day) : day
    }
}
