import FHIRStore
import KazakhstanRegions
import SQLKit

/// The journal of infectious and parasitic diseases and its counts by disease × place × day or ISO week, read
/// from the case table, so they are current as soon as a notification is committed.
public struct CaseCounts: Sendable {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// What the journal and counts are restricted to (nil: no restriction).
    public struct Filter: Sendable, Equatable {
        public var disease: String?
        /// Region KATO (9 digits).
        public var region: String?
        public var organization: String?
        /// Onset dates, inclusive.
        public var from: String?
        public var to: String?
        public var statuses: Set<CaseStatus>

        public init(disease: String? = nil, region: String? = nil, organization: String? = nil, from: String? = nil, to: String? = nil,
                    statuses: Set<CaseStatus> = [.suspected, .confirmed]) {
            self.disease = disease; self.region = region; self.organization = organization; self.from = from; self.to = to; self.statuses = statuses
        }

        var condition: SQLQueryString {
            var parts: [SQLQueryString] = ["status IN (\(binds: statuses.map(\.rawValue).sorted()))"]
            if let disease { parts.append("disease = \(bind: disease)") }
            if let region { parts.append("region = \(bind: region)") }
            if let organization { parts.append("organization = \(bind: organization)") }
            if let from { parts.append("onset >= \(bind: from)") }
            if let to { parts.append("onset <= \(bind: to)") }
            return parts.joined(separator: " AND ")
        }
    }

    /// The journal: cases by onset, newest first.
    public func journal(_ filter: Filter, limit: Int = 500) async throws -> [CaseRecord] {
        let rows = try await repository.database.read { db in
            try await db.raw("SELECT \(unsafeRaw: CaseRecord.columns) FROM surveillance_cases WHERE " + filter.condition
                             + " ORDER BY onset DESC, condition LIMIT \(literal: max(1, min(limit, 10_000)))").all().map(CaseRecord.init(row:))
        }
        AccessTrace.record(patients: rows.map(\.patient))
        return rows
    }

    /// The journal row of one case.
    public func record(condition id: String) async throws -> CaseRecord? {
        try await repository.database.read { db in
            try await db.raw("SELECT \(unsafeRaw: CaseRecord.columns) FROM surveillance_cases WHERE condition = \(bind: id)").first().map(CaseRecord.init(row:))
        }
    }

    public enum Period: String, Sendable, CaseIterable { case day, week }
    public enum Level: String, Sendable, CaseIterable { case region, district }

    /// One cell of the counts.
    public struct Count: Sendable, Equatable {
        public var disease: String
        /// Region or district KATO.
        public var place: String
        /// `2026-11-23` or `2026-W48`.
        public var period: String
        public var cases: Int
        /// The region's population (districts have none in the reference data).
        public var population: Int?
        /// Cases per 100,000 population.
        public var rate: Double? { population.map { Double(cases) / Double($0) * 100_000 } }
    }

    /// Cases by disease × place × period (by date of onset), the periods without cases left out.
    public func counts(_ filter: Filter, period: Period, level: Level = .region) async throws -> [Count] {
        let place = level == .region ? "region" : "COALESCE(district, region)"
        let rows = try await repository.database.read { db in
            try await db.raw("SELECT disease, \(unsafeRaw: place) AS place, onset, COUNT(*) AS n FROM surveillance_cases WHERE " + filter.condition
                             + " GROUP BY disease, \(unsafeRaw: place), onset").all()
        }
        var cells: [String: Count] = [:]
        for row in rows {
            let disease = try row.decode(column: "disease", as: String.self)
            let place = try row.decode(column: "place", as: String.self)
            let onset = try row.decode(column: "onset", as: String.self)
            let n = try row.decode(column: "n", as: Int.self)
            let label = period == .day ? onset : (CaseCalendar.isoWeekLabel(onset) ?? onset)
            let key = disease + "|" + place + "|" + label
            let population = Region.of(kato: place).flatMap { $0.kato == place ? $0.populationThousands * 1000 : nil }
            cells[key, default: Count(disease: disease, place: place, period: label, cases: 0, population: population)].cases += n
        }
        return cells.values.sorted { ($0.disease, $0.place, $0.period) < ($1.disease, $1.place, $1.period) }
    }

    /// The KPI of seed 002: the share of emergency notifications received electronically, of those received in the
    /// given onset range.
    public func electronicShare(_ filter: Filter) async throws -> Double? {
        let row = try await repository.database.read { db in
            try await db.raw("SELECT COALESCE(SUM(electronic), 0) AS e, COALESCE(SUM(notifications), 0) AS n FROM surveillance_cases WHERE " + filter.condition).first()
        }
        guard let row else { return nil }
        let n = try row.decode(column: "n", as: Int.self)
        return n == 0 ? nil : Double(try row.decode(column: "e", as: Int.self)) / Double(n)
    }
}
