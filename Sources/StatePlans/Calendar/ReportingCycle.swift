/// One report the approving act requires: who sends it, by when, and which period it covers.
public struct ReportDue: Sendable, Hashable, CustomStringConvertible {
    /// `"executors"` or `"ministry"`, as in the clause.
    public let who: String
    public let due: Day
    /// The reporting period: the last full year, half-year, quarter or month that ends before `due`.
    public let covers: DayRange

    public init(who: String, due: Day, covers: DayRange) {
        self.who = who
        self.due = due
        self.covers = covers
    }

    public var description: String { "\(who) by \(due) for \(covers)" }
}

extension ReportingClause {
    /// The reports of this clause that fall due in `year`.
    ///
    /// The clauses say "не позднее 15 апреля, следующего за отчетным годом" and "15 января и 15 июля" for the
    /// half-year just ended, so the period covered is the latest whole period of `covers` (aligned to the
    /// calendar: years, halves, quarters, months) that ends before the due day.
    public func reports(dueIn year: Int) -> [ReportDue] {
        due.compactMap { monthDay in
            guard let day = Day(year: year, month: monthDay.month, day: monthDay.day) else { return nil }
            return ReportDue(who: who, due: day, covers: Self.period(endingBefore: day, months: covers.months))
        }
    }

    /// The latest calendar-aligned period of `months` months that ends before `day`.
    static func period(endingBefore day: Day, months: Int) -> DayRange {
        // Months counted from year 0, 0-based: the end month of a period is one where (index + 1) % months == 0.
        var end = day.year * 12 + day.month - 1
        while (end + 1) % months != 0 || !(Day.endOfMonth(end % 12 + 1, of: end / 12) < day) {
            end -= 1
        }
        let start = end - months + 1
        return DayRange(first: .startOfMonth(start % 12 + 1, of: start / 12), last: .endOfMonth(end % 12 + 1, of: end / 12))
    }
}

extension Plan {
    /// The reports due in `year` under the plan's reporting clauses, in date order; only reports on a period
    /// that overlaps the plan's and due after the act was adopted (the cancer plan, adopted on 5 October 2023,
    /// is first reported on by 15 January 2024). A plan without a reporting clause in the data has none.
    public func reportsDue(in year: Int) -> [ReportDue] {
        let adopted = act?.date.flatMap { Day($0) }
        return reporting.flatMap { $0.reports(dueIn: year) }
            .filter { $0.covers.first.year <= period.to && $0.covers.last.year >= period.from }
            .filter { report in adopted.map { $0 <= report.due } ?? true }
            .sorted { ($0.due, $0.who) < ($1.due, $1.who) }
    }

    /// Every report the plan requires, from its first year to the year after its last.
    public var reportingSchedule: [ReportDue] {
        (period.from...(period.to + 1)).flatMap { reportsDue(in: $0) }
    }
}
