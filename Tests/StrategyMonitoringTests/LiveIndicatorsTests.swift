import Audit
import DatabaseTesting
import FHIRJSON
import FHIRStore
import Foundation
import KazakhstanRegions
import StatePlans
import PrimaryCare
import StrategyMonitoring
import SyntheticKazakhstan
import Testing

/// The indicators computed from the platform's data, checked against counts made independently by reading every
/// resource, on SQLite and PostgreSQL; and published as MeasureReports the API serves.
@Suite struct LiveIndicatorsTests {
    @Test(arguments: TestDatabase.available)
    func indicatorsAreCountedFromThePlatformsData(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in try await Self.scenario(repo) }
    }

    static func kind(_ e: JSON) -> String { e["class"]?["code"]?.stringValue ?? "" }

    static func result(_ results: [LiveIndicators.Result], _ code: String) throws -> LiveIndicators.Result {
        try #require(results.first { $0.code == code })
    }

    static func scenario(_ repo: Repository) async throws {
        do {
            _ = try await DemoLoader(repository: repo).load(DemoCountry(scale: 0.0001, seed: 5))
            let year = Int(Instant.now().dateInKazakhstan.prefix(4)) ?? 2026
            // A remote visit and an inpatient stay referred digitally, this year.
            let appointments = try await repo.search(type: "Appointment", parameters: [("status", "booked"), ("_count", "50")], baseURL: "")
            let remote = (appointments["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
                .first { $0["appointmentType"]?["coding"]?[0]?["code"]?.stringValue == "remote" }
            let visit = try #require(remote?["id"]?.stringValue)
            var outcome = VisitRecordService.Outcome()
            outcome.diagnoses = [.init(code: "J06.9")]
            outcome.referrals = ["Госпитализация в терапевтическое отделение"]
            let record = try await VisitRecordService(repository: repo).complete(appointment: visit, outcome: outcome, practitioner: nil)
            let referral = try #require(record.referrals.first?.id)
            let patient = try #require(record.encounter.json["subject"]?["reference"]?.stringValue)
            let now = Instant.now().iso
            _ = try await repo.create(type: "Encounter", resource: ["resourceType": "Encounter", "status": "in-progress",
                "class": ["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"], "subject": ["reference": .string(patient)],
                "basedOn": [["reference": .string("ServiceRequest/\(referral)")]], "period": ["start": .string(now)]])
            _ = try await repo.create(type: "Encounter", resource: ["resourceType": "Encounter", "status": "in-progress",
                "class": ["system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"], "subject": ["reference": .string(patient)],
                "period": ["start": .string(now)]])
            // The audit trail: one organisation's staff and one citizen used the platform.
            let audit = AuditLog(database: repo.database, flushInterval: .milliseconds(20))
            audit.record(AuditEntry(recorded: now, actor: "doctor", role: "clinician", organization: "kz-phc-1", patient: "p", action: "read", target: "/x", outcome: 200))
            audit.record(AuditEntry(recorded: now, actor: "doctor2", role: "clinician", organization: "kz-phc-1", patient: "p", action: "read", target: "/x", outcome: 200))
            audit.record(AuditEntry(recorded: now, actor: "citizen-1", role: "citizen", patient: "p", action: "search", target: "/me", outcome: 200))
            audit.record(AuditEntry(recorded: now, actor: "citizen-2", role: "citizen", patient: "p", action: "search", target: "/me", outcome: 403))
            try await audit.flush()
            try await audit.shutdown()

            let results = try await LiveIndicators(repository: repo).compute(year: year)
            func result(_ code: String) throws -> LiveIndicators.Result { try Self.result(results, code) }
            // Independent counts: every resource read and classified here.
            let all = try await Self.everything(repo)
            let encounters = all.filter { $0["resourceType"]?.stringValue == "Encounter" && ($0["period"]?["start"]?.stringValue ?? "").hasPrefix(String(year)) }
            #expect(try result("remote-share").numerator == encounters.filter { Self.kind($0) == "VR" }.count)
            #expect(try result("remote-share").denominator == encounters.filter { ["AMB", "VR", "HH"].contains(Self.kind($0)) }.count)
            #expect(try result("remote-share").numerator == 1)
            #expect(try result("digital-referral-share").numerator == 1 && result("digital-referral-share").denominator == 2)
            let organisations = all.filter { $0["resourceType"]?.stringValue == "Organization" }
            let pharmacies = organisations.filter { ($0["type"]?.arrayValue ?? []).contains { $0["coding"]?[0]?["code"]?.stringValue == "pharmacy" } }
            #expect(try result("exchange-share").numerator == 1 && result("exchange-share").denominator == organisations.count - pharmacies.count)
            let living = all.filter { $0["resourceType"]?.stringValue == "Patient" && $0["deceasedDateTime"] == nil }
            #expect(try result("cabinet-share").numerator == 1 && result("cabinet-share").denominator == living.count)
            #expect(try result("electronic-notification-share").denominator == 0 && result("electronic-notification-share").percent == nil)

            // Published: readable MeasureReports, the second run replaces the first.
            _ = try await LiveIndicators(repository: repo).publish(year: year)
            let reports = try await LiveIndicators(repository: repo).publish(year: year)
            #expect(reports.count == 5)
            let stored = try await repo.read(type: "MeasureReport", id: "live-remote-share-\(year)").json
            #expect(stored["measure"]?.stringValue == "http://densauluq.kz/fhir/Measure/remote-share")
            #expect(stored["group"]?[0]?["population"]?[0]?["count"]?.intValue == 1)
            let listed = try await repo.search(type: "MeasureReport", parameters: [("measure", "http://densauluq.kz/fhir/Measure/remote-share")], baseURL: "")
            #expect(listed["total"]?.intValue == 1)

            try await Self.regionsAndFacts(repo, year: year, organisations: organisations, pharmacies: pharmacies, encounters: encounters)
        }
    }

    /// Per region (the exchange counted by the region of the organisation's address, independently here) as the
    /// report's stratifier and as facts; the plan indicators' facts are the computed values, and typing one in for
    /// this year is refused.
    static func regionsAndFacts(_ repo: Repository, year: Int, organisations: [JSON], pharmacies: [JSON], encounters: [JSON]) async throws {
        func region(_ org: JSON) -> String? {
            let kato = (org["address"]?[0]?["extension"]?.arrayValue ?? []).first { $0["url"]?.stringValue == "http://densauluq.kz/fhir/StructureDefinition/kato" }?["valueCode"]?.stringValue
            return kato.flatMap { Region.of(kato: $0)?.kato }
        }
        let first = try #require(organisations.first { $0["id"]?.stringValue == "kz-phc-1" })
        let home = try #require(region(first))
        let medicalThere = organisations.filter { region($0) == home }.count - pharmacies.filter { region($0) == home }.count
        let byRegion = try await LiveIndicators(repository: repo).computeByRegion(year: year)
        let exchange = try #require(byRegion[home]?.first { $0.code == "exchange-share" })
        #expect(exchange.numerator == 1 && exchange.denominator == medicalThere)
        #expect(byRegion.filter { $0.key != home }.allSatisfy { $0.value.allSatisfy { $0.code != "exchange-share" || $0.numerator == 0 } })
        #expect(byRegion.values.flatMap { $0 }.allSatisfy { LiveIndicators.regionalCodes.contains($0.code) })
        // Visits by the region of their organisation, counted here from the resources.
        let orgRegion = Dictionary(organisations.compactMap { o in o["id"]?.stringValue.flatMap { id in region(o).map { (id, $0) } } }, uniquingKeysWith: { a, _ in a })
        var outpatient: [String: (remote: Int, all: Int)] = [:]
        for e in encounters where ["AMB", "VR", "HH"].contains(Self.kind(e)) {
            guard let provider = e["serviceProvider"]?["reference"]?.stringValue?.replacingOccurrences(of: "Organization/", with: ""),
                  let r = orgRegion[provider] else { continue }
            let cell = outpatient[r] ?? (0, 0)
            outpatient[r] = (cell.remote + (Self.kind(e) == "VR" ? 1 : 0), cell.all + 1)
        }
        #expect(!outpatient.isEmpty && outpatient.values.contains { $0.remote > 0 })
        for (r, cell) in outpatient {
            let computed = byRegion[r]?.first { $0.code == "remote-share" }
            #expect(computed?.numerator == cell.remote && computed?.denominator == cell.all, "region \(r)")
        }
        #expect(byRegion.values.flatMap { $0 }.filter { $0.code == "remote-share" }.count == outpatient.count)

        let plans = try PlanLibrary.shipped()
        _ = try await LiveIndicators(repository: repo).publish(year: year, plans: plans)
        let report = try await repo.read(type: "MeasureReport", id: "live-exchange-share-\(year)").json
        let strata = report["group"]?[0]?["stratifier"]?[0]?["stratum"]?.arrayValue ?? []
        let stratum = try #require(strata.first { $0["value"]?["coding"]?[0]?["code"]?.stringValue == home })
        #expect(stratum["population"]?[0]?["count"]?.intValue == 1 && stratum["population"]?[1]?["count"]?.intValue == medicalThere)
        // The Concept's indicator 14 covers 2022–2026, the digital map's KPIs 2025–2027: the years they cover get the fact.
        let facts = IndicatorFacts(database: repo.database, plans: plans)
        let concept = try await facts.facts(plan: "health-concept-2026").filter { $0.indicator == "14" && $0.year == year }
        let national = try await LiveIndicators(repository: repo).compute(year: year)
        let share = try #require(national.first { $0.code == "exchange-share" }?.percent)
        if (2022...2026).contains(year) {
            let fact = try #require(concept.first)
            #expect(fact.source.hasPrefix("Densauluq: MeasureReport/live-exchange-share-\(year)") && abs(NSDecimalNumber(decimal: fact.value).doubleValue - share) < 0.01)
            let regional = try await facts.facts(plan: "health-concept-2026", region: home).first { $0.indicator == "14" && $0.year == year }
            #expect(regional.map { abs(NSDecimalNumber(decimal: $0.value).doubleValue - exchange.percent!) < 0.01 } == true)
        }
        if (2025...2027).contains(year) {
            let remote = try await facts.facts(plan: "digital-map-2025").first { $0.indicator == "2.2" && $0.year == year }
            #expect(remote?.source.hasPrefix("Densauluq: MeasureReport/live-remote-share-\(year)") == true)
            // No notifications this year: no fact for 5.2.
            #expect(try await facts.facts(plan: "digital-map-2025").first { $0.indicator == "5.2" && $0.year == year } == nil)
        }
        // Typed in for this year: refused; for an earlier year (statistics before the platform): accepted.
        await #expect(throws: MonitoringError.self) {
            try await facts.enter(plan: "health-concept-2026", indicator: "14", year: year, value: 50, source: "МЗ", by: "analyst")
        }
        let earlier = try await facts.enter(plan: "health-concept-2026", indicator: "14", year: 2022, value: 48, source: "МЗ", by: "analyst")
        #expect(earlier.value == 48)
    }

    static func everything(_ repo: Repository) async throws -> [JSON] {
        var out: [JSON] = []
        for type in ["Encounter", "Organization", "Patient"] {
            var page: JSON? = try await repo.search(type: type, parameters: [("_count", "1000")], baseURL: "")
            while let bundle = page {
                out += (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
                let next = (bundle["link"]?.arrayValue ?? []).first { $0["relation"]?.stringValue == "next" }?["url"]?.stringValue
                if let next, let query = next.split(separator: "?", maxSplits: 1).last {
                    page = try await repo.search(type: type, parameters: SearchRequest.parseQuery(String(query)), baseURL: "")
                } else { page = nil }
            }
        }
        return out
    }
}
