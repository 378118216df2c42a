import FHIRJSON
import FHIRStore
import Foundation
import KazakhstanRegions
import SQLKit
import StatePlans

/// The indicators the platform holds the data for, computed — never typed in — as FHIR MeasureReports (summary,
/// numerator and denominator, score in %), one per indicator and year, stored as `MeasureReport/live-<code>-<year>`
/// so that analysts read them through the API like any other report. Each names the plan indicators it is the
/// fact of. The formulas (docs/strategy-monitoring.md):
///
/// - `exchange-share` — medical organisations exchanging data with the core: organisations whose staff or
///   information system used the API in the year (the audit trail) ÷ medical organisations in the directory
///   (every Organization but pharmacies). Concept indicator 14; digital map KPI 1.3.
/// - `cabinet-share` — population using the personal health cabinet: citizens who opened a record in their
///   cabinet in the year (the audit trail) ÷ living people in the register (without a date of death). Digital
///   map KPI 1.6.
/// - `remote-share` — remote consultations: visits of class VR ÷ visits of class AMB, VR and HH (in person,
///   remote, at home) that started in the year. Digital map KPI 2.2.
/// - `digital-referral-share` — hospital referrals made digitally: inpatient stays (class IMP) based on a
///   ServiceRequest ÷ inpatient stays that started in the year. Digital map KPI 2.3.
/// - `electronic-notification-share` — emergency notifications of infections received electronically:
///   notifications by an information system or the API ÷ all notifications (the case journal) in the year.
///   Digital map KPI 5.2.
public struct LiveIndicators: Sendable {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// A computed indicator and the plan indicators it gives the fact of.
    public struct Definition: Sendable, Equatable {
        public var code: String
        public var title: String
        public var titleRu: String
        /// How numerator and denominator are counted (the Measure's population criteria).
        public var numerator: String
        public var denominator: String
        /// `(plan id, indicator number)`.
        public var indicators: [PlanIndicator]
    }

    public struct PlanIndicator: Sendable, Equatable {
        public var plan: String
        public var indicator: String
    }

    public static let definitions: [Definition] = [
        .init(code: "exchange-share", title: "Share of medical organisations exchanging data with the core",
              titleRu: "Доля медицинских организаций, обеспечивающих обмен данными с ядром",
              numerator: "Organisations (not pharmacies) whose staff or information system used the API in the year, from the audit trail",
              denominator: "Organization?type:not=organization-type|pharmacy",
              indicators: [.init(plan: "health-concept-2026", indicator: "14"), .init(plan: "digital-map-2025", indicator: "1.3")]),
        .init(code: "cabinet-share", title: "Share of the population using the personal health cabinet",
              titleRu: "Доля населения, использующего электронные личные кабинеты здоровья",
              numerator: "Citizens who opened a record in their personal cabinet in the year, from the audit trail",
              denominator: "Patient?death-date:missing=true",
              indicators: [.init(plan: "digital-map-2025", indicator: "1.6")]),
        .init(code: "remote-share", title: "Share of remote consultations", titleRu: "Доля дистанционных консультаций",
              numerator: "Encounters of class VR whose period starts in the year (Kazakhstan time)",
              denominator: "Encounters of class AMB, VR or HH whose period starts in the year (Kazakhstan time)",
              indicators: [.init(plan: "digital-map-2025", indicator: "2.2")]),
        .init(code: "digital-referral-share", title: "Share of hospital referrals made digitally",
              titleRu: "Доля направлений на госпитализацию, оформленных через цифровые сервисы",
              numerator: "Encounters of class IMP with a basedOn reference (a ServiceRequest) whose period starts in the year",
              denominator: "Encounters of class IMP whose period starts in the year (Kazakhstan time)",
              indicators: [.init(plan: "digital-map-2025", indicator: "2.3")]),
        .init(code: "electronic-notification-share", title: "Share of emergency notifications of infections received electronically",
              titleRu: "Доля экстренных извещений об инфекциях, поступающих в электронном виде",
              numerator: "Notifications of the year received from an information system or the API, from the case journal",
              denominator: "All notifications of the year in the case journal",
              indicators: [.init(plan: "digital-map-2025", indicator: "5.2")]),
    ]

    public static let measureBase = "http://densauluq.kz/fhir/Measure/"

    /// One computed value.
    public struct Result: Sendable, Equatable {
        public var code: String
        public var year: Int
        public var numerator: Int
        public var denominator: Int
        /// Numerator ÷ denominator × 100, nil when the denominator is 0.
        public var percent: Double? { denominator > 0 ? Double(numerator) / Double(denominator) * 100 : nil }
    }

    /// Computes every indicator for `year` (up to `today` when the year is running).
    public func compute(year: Int) async throws -> [Result] {
        let from = String(format: "%04d-01-01", year), to = String(format: "%04d-01-01", year + 1)
        return try await AccessScope.$current.withValue(.unrestricted) {
            var out: [Result] = []
            // Four independent reads at once, each on its own connection: on a cold cache they overlap their I/O
            // (the encounter pass and the register's count are each seconds of index pages at a million people).
            // The audit trail and the case journal by SQL; the resources by FHIR search counts.
            async let trail = repository.database.read { db in
                let orgs = try await db.raw("""
                    SELECT COUNT(DISTINCT organization) AS n FROM audit_log WHERE organization IS NOT NULL
                      AND role IN ('clinician', 'system', 'org-admin') AND recorded >= \(bind: from) AND recorded < \(bind: to)
                    """).first()?.decode(column: "n", as: Int.self) ?? 0
                let people = try await db.raw("""
                    SELECT COUNT(DISTINCT actor) AS n FROM audit_log WHERE role = 'citizen' AND outcome < 400
                      AND recorded >= \(bind: from) AND recorded < \(bind: to)
                    """).first()?.decode(column: "n", as: Int.self) ?? 0
                let row = try await db.raw("""
                    SELECT COALESCE(SUM(notifications), 0) AS total, COALESCE(SUM(electronic), 0) AS electronic FROM surveillance_cases
                    WHERE received >= \(bind: from) AND received < \(bind: to)
                    """).first()
                return (orgs, people, try row?.decode(column: "total", as: Int.self) ?? 0, try row?.decode(column: "electronic", as: Int.self) ?? 0)
            }
            async let medicalCount = count("Organization", []) - count("Organization", [("type", "http://densauluq.kz/fhir/CodeSystem/organization-type|pharmacy")])
            // Deaths as the register records them, with their date (the `deceased` token has no indexable path in R4).
            async let livingCount = count("Patient", []) - count("Patient", [("death-date:missing", "false")])
            async let encounterCount = encounterCounts(year: year)
            let (organisations, citizens, notifications, electronic) = try await trail
            let medical = try await medicalCount, living = try await livingCount, visits = try await encounterCount
            out.append(Result(code: "exchange-share", year: year, numerator: organisations, denominator: medical))
            out.append(Result(code: "cabinet-share", year: year, numerator: citizens, denominator: living))
            let remote = visits.byClass["VR"] ?? 0
            out.append(Result(code: "remote-share", year: year, numerator: remote,
                              denominator: ["AMB", "VR", "HH"].reduce(0) { $0 + (visits.byClass[$1] ?? 0) }))
            let stays = visits.byClass["IMP"] ?? 0, referred = visits.referredStays
            out.append(Result(code: "digital-referral-share", year: year, numerator: referred, denominator: stays))
            out.append(Result(code: "electronic-notification-share", year: year, numerator: electronic, denominator: notifications))
            return out
        }
    }

    /// The indicators that are counted per region too, and how: `exchange-share` by the region of each
    /// organisation's address (its KATO code); `remote-share` and `digital-referral-share` by the region of the
    /// visit's or stay's organisation (`serviceProvider`; one without is counted nationally only);
    /// `electronic-notification-share` by the region of the case in the journal. `cabinet-share` is national
    /// only: a citizen's region would need the person behind every cabinet account.
    public static let regionalCodes: Set<String> = ["exchange-share", "remote-share", "digital-referral-share", "electronic-notification-share"]

    /// The regional indicators for `year`, by region (KATO code of the region); regions without any count are absent.
    public func computeByRegion(year: Int) async throws -> [String: [Result]] {
        let from = String(format: "%04d-01-01", year), to = String(format: "%04d-01-01", year + 1)
        let katoExtension = "http://densauluq.kz/fhir/StructureDefinition/kato"
        return try await repository.database.read { db in
            // Medical organisations by region, from their addresses (a few thousand resources nationally).
            var regionOf: [String: String] = [:]
            var medical: [String: Int] = [:]
            for row in try await db.raw("SELECT res_id, content FROM resources WHERE res_type = 'Organization' AND deleted = 0").all() {
                let id = try row.decode(column: "res_id", as: String.self)
                guard let org = try? JSONParser.parse(try row.decode(column: "content", as: String.self)) else { continue }
                let kato = (org["address"]?.arrayValue ?? []).lazy.compactMap { address in
                    (address["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == katoExtension }?["valueCode"]?.stringValue
                }.first
                guard let kato, let region = Region.of(kato: kato)?.kato else { continue }
                regionOf[id] = region
                let pharmacy = (org["type"]?.arrayValue ?? []).contains { type in
                    (type["coding"]?.arrayValue ?? []).contains { $0["code"]?.stringValue == "pharmacy" }
                }
                if !pharmacy { medical[region, default: 0] += 1 }
            }
            var exchanging: [String: Int] = [:]
            for row in try await db.raw("""
                SELECT DISTINCT organization FROM audit_log WHERE organization IS NOT NULL
                  AND role IN ('clinician', 'system', 'org-admin') AND recorded >= \(bind: from) AND recorded < \(bind: to)
                """).all() {
                if let region = regionOf[try row.decode(column: "organization", as: String.self)] { exchanging[region, default: 0] += 1 }
            }
            // Visits and stays of the year by class and organisation (one pass over three small partial indexes).
            let start = Self.kazakhstanMidnight(year), end = Self.kazakhstanMidnight(year + 1)
            var visits: [String: [String: Int]] = [:], referred: [String: Int] = [:]
            for row in try await db.raw("""
                SELECT t.code AS code, p.target_id AS provider, COUNT(*) AS n,
                  SUM(CASE WHEN t.code = 'IMP' AND EXISTS (SELECT 1 FROM sp_reference b WHERE b.seq = t.seq AND b.param = 'based-on') THEN 1 ELSE 0 END) AS referred
                FROM sp_token t JOIN sp_date d ON d.seq = t.seq AND d.res_type = 'Encounter' AND d.param = 'date'
                JOIN sp_reference p ON p.seq = t.seq AND p.res_type = 'Encounter' AND p.param = 'service-provider'
                WHERE t.res_type = 'Encounter' AND t.param = 'class' AND d.lo >= \(bind: start) AND d.lo < \(bind: end)
                GROUP BY t.code, p.target_id
                """).all() {
                guard let code = try row.decode(column: "code", as: String?.self), let provider = try row.decode(column: "provider", as: String?.self),
                      let region = regionOf[provider] else { continue }
                visits[region, default: [:]][code, default: 0] += try row.decode(column: "n", as: Int.self)
                referred[region, default: 0] += try row.decode(column: "referred", as: Int?.self) ?? 0
            }
            var notified: [String: (total: Int, electronic: Int)] = [:]
            for row in try await db.raw("""
                SELECT region, COALESCE(SUM(notifications), 0) AS total, COALESCE(SUM(electronic), 0) AS electronic FROM surveillance_cases
                WHERE received >= \(bind: from) AND received < \(bind: to) GROUP BY region
                """).all() {
                guard let region = Region.of(kato: try row.decode(column: "region", as: String.self))?.kato else { continue }
                let cell = notified[region] ?? (0, 0)
                notified[region] = (cell.total + (try row.decode(column: "total", as: Int.self)), cell.electronic + (try row.decode(column: "electronic", as: Int.self)))
            }
            var out: [String: [Result]] = [:]
            for region in Set(medical.keys).union(notified.keys).union(visits.keys).sorted() {
                var results: [Result] = []
                if let denominator = medical[region] {
                    results.append(Result(code: "exchange-share", year: year, numerator: exchanging[region] ?? 0, denominator: denominator))
                }
                if let byClass = visits[region] {
                    let outpatient = ["AMB", "VR", "HH"].reduce(0) { $0 + (byClass[$1] ?? 0) }
                    if outpatient > 0 { results.append(Result(code: "remote-share", year: year, numerator: byClass["VR"] ?? 0, denominator: outpatient)) }
                    if let stays = byClass["IMP"], stays > 0 {
                        results.append(Result(code: "digital-referral-share", year: year, numerator: referred[region] ?? 0, denominator: stays))
                    }
                }
                if let cell = notified[region] {
                    results.append(Result(code: "electronic-notification-share", year: year, numerator: cell.electronic, denominator: cell.total))
                }
                out[region] = results
            }
            return out
        }
    }

    /// Encounters whose period starts in the year (Kazakhstan time), by class, and the inpatient stays among them
    /// that follow a ServiceRequest — in one pass over the search index (the same rows `Encounter?class=…&date=…`
    /// and `based-on:missing=false` read, which as three FHIR searches took 8.5 s over a million encounters).
    func encounterCounts(year: Int) async throws -> (byClass: [String: Int], referredStays: Int) {
        let from = Self.kazakhstanMidnight(year), to = Self.kazakhstanMidnight(year + 1)
        return try await repository.database.read { db in
            var byClass: [String: Int] = [:]
            var referred = 0
            for row in try await db.raw("""
                SELECT t.code AS code, COUNT(*) AS n,
                  SUM(CASE WHEN t.code = 'IMP' AND EXISTS (SELECT 1 FROM sp_reference b WHERE b.seq = t.seq AND b.param = 'based-on') THEN 1 ELSE 0 END) AS referred
                FROM sp_token t JOIN sp_date d ON d.seq = t.seq AND d.res_type = 'Encounter' AND d.param = 'date'
                WHERE t.res_type = 'Encounter' AND t.param = 'class' AND d.lo >= \(bind: from) AND d.lo < \(bind: to)
                GROUP BY t.code
                """).all() {
                guard let code = try row.decode(column: "code", as: String?.self) else { continue }
                byClass[code, default: 0] += try row.decode(column: "n", as: Int.self)
                referred += try row.decode(column: "referred", as: Int?.self) ?? 0
            }
            return (byClass, referred)
        }
    }

    /// Milliseconds of 1 January of `year`, 00:00 in Kazakhstan (UTC+5), as the search index stores instants.
    static func kazakhstanMidnight(_ year: Int) -> Int64 {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 5 * 3600) ?? .gmt
        let date = calendar.date(from: DateComponents(year: year, month: 1, day: 1)) ?? Date(timeIntervalSince1970: 0)
        return Int64(date.timeIntervalSince1970 * 1000)
    }

    func count(_ type: String, _ parameters: [(String, String)]) async throws -> Int {
        let bundle = try await repository.search(type: type, parameters: parameters + [("_summary", "count")], baseURL: "")
        return bundle["total"]?.intValue ?? 0
    }

    /// Computes and stores the year's MeasureReports (and the Measures they report on, once), stratified by region
    /// where the indicator is counted per region; with `plans`, also records each value as the year's fact of the
    /// plan indicators it measures (nationally and per region), so the dashboards show it. `results`: the national
    /// values of `year` if already computed. Returns the reports.
    @discardableResult
    public func publish(year: Int, results computed: [Result]? = nil, plans: PlanLibrary? = nil, now: Date = Date()) async throws -> [JSON] {
        let results: [Result]
        if let computed { results = computed } else { results = try await compute(year: year) }
        let regional = try await computeByRegion(year: year)
        let today = Instant(now).dateInKazakhstan
        var reports: [JSON] = []
        try await AccessScope.$current.withValue(.unrestricted) {
            for definition in Self.definitions {
                _ = try await repository.update(type: "Measure", id: definition.code, resource: Self.measure(definition))
            }
            for result in results {
                let strata = regional.compactMap { region, values in values.first { $0.code == result.code }.map { (region, $0) } }.sorted { $0.0 < $1.0 }
                let report = Self.report(result, strata: strata, today: today, now: Instant(now).iso)
                _ = try await repository.update(type: "MeasureReport", id: "live-\(result.code)-\(year)", resource: report)
                reports.append(report)
            }
        }
        if let plans {
            let facts = IndicatorFacts(database: repository.database, plans: plans)
            for result in results {
                try await facts.recordComputed(result, region: "", today: today)
                for (region, values) in regional {
                    if let value = values.first(where: { $0.code == result.code }) { try await facts.recordComputed(value, region: region, today: today) }
                }
            }
        }
        return reports
    }

    static func measure(_ d: Definition) -> JSON {
        // A FHIR query where the count is one; otherwise the formula in words (the language is required).
        func population(_ code: String, _ formula: String) -> JSON {
            let query = formula.contains("?")
            var criteria: JSON = ["language": "application/x-fhir-query", "description": .string(query ? "FHIR search, counted with _summary=count" : formula)]
            if query, case .object(var c) = criteria { c["expression"] = .string(formula); criteria = .object(c) }
            return ["code": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/measure-population", "code": .string(code)]]], "criteria": criteria]
        }
        return ["resourceType": "Measure", "id": .string(d.code), "url": .string(measureBase + d.code), "status": "active",
         "name": .string(d.code.replacingOccurrences(of: "-", with: "_")), "title": .string(d.titleRu),
         "description": .string(d.title),
         "scoring": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/measure-scoring", "code": "proportion"]]],
         "improvementNotation": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/measure-improvement-notation", "code": "increase"]]],
         "group": [["population": [population("numerator", d.numerator), population("denominator", d.denominator)]]]]
    }

    static func report(_ r: Result, strata: [(region: String, result: Result)] = [], today: String, now: String) -> JSON {
        let end = min(String(format: "%04d-12-31", r.year), today)
        func population(_ code: String, _ count: Int) -> JSON {
            ["code": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/measure-population", "code": .string(code)]]], "count": .number(String(count))]
        }
        var group: JSON = ["population": [population("numerator", r.numerator), population("denominator", r.denominator)]]
        if let percent = r.percent, case .object(var g) = group {
            g["measureScore"] = ["value": .number(String(format: "%.2f", percent)), "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"]
            group = .object(g)
        }
        // Per region: a stratifier whose strata are the regions' KATO codes, each with its own populations and score.
        if !strata.isEmpty, case .object(var g) = group {
            g["stratifier"] = [["code": [["text": "region", "coding": [["system": "http://densauluq.kz/fhir/CodeSystem/measure-stratifier", "code": "region"]]]],
                                "stratum": .array(strata.map { region, value in
                var stratum: JSON = ["value": ["coding": [["system": "http://densauluq.kz/fhir/CodeSystem/kato", "code": .string(region)]],
                                               "text": .string(Region.of(kato: region)?.nameRu ?? region)],
                                     "population": [population("numerator", value.numerator), population("denominator", value.denominator)]]
                if let percent = value.percent, case .object(var o) = stratum {
                    o["measureScore"] = ["value": .number(String(format: "%.2f", percent)), "unit": "%", "system": "http://unitsofmeasure.org", "code": "%"]
                    stratum = .object(o)
                }
                return stratum
            })]]
            group = .object(g)
        }
        return ["resourceType": "MeasureReport", "id": .string("live-\(r.code)-\(r.year)"), "status": "complete", "type": "summary",
                "measure": .string(measureBase + r.code), "date": .string(now),
                "period": ["start": .string(String(format: "%04d-01-01", r.year)), "end": .string(end)],
                "improvementNotation": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/measure-improvement-notation", "code": "increase"]]],
                "group": [group]]
    }
}
