import DatabaseTesting
import FHIRJSON
import FHIRStore
import Foundation
import KazakhstanRegions
import Surveillance
import Testing

/// Emergency notifications on SQLite and PostgreSQL: a case per person and disease episode however many times it
/// is notified, status rules, every problem named, nothing half-written, and counts that follow at once.
@Suite struct NotificationTests {
    /// A person living in Almaty (KATO 751110000), a polyclinic, a hospital and a laboratory result.
    struct World {
        let repo: Repository
        let service: NotificationService
        let person: String
        let polyclinic: String
        let hospital: String
        let result: String

        static func make(_ repo: Repository) async throws -> World {
            let person = try await repo.create(type: "Patient", resource: [
                "resourceType": "Patient", "name": [["family": "Серикова", "given": ["Дана"]]], "birthDate": "1990-05-01",
                "address": [["use": "home", "city": "Алматы", "state": "Алматы",
                             "extension": [["url": .string(CaseNotification.katoExtension), "valueCode": "751110000"]]]],
            ]).resource.id
            let polyclinic = try await repo.create(type: "Organization", resource: ["resourceType": "Organization", "name": "Поликлиника №1"]).resource.id
            let hospital = try await repo.create(type: "Organization", resource: ["resourceType": "Organization", "name": "Инфекционная больница"]).resource.id
            let result = try await repo.create(type: "Observation", resource: [
                "resourceType": "Observation", "status": "final", "code": ["text": "Salmonella culture"], "subject": ["reference": .string("Patient/\(person)")],
            ]).resource.id
            return World(repo: repo, service: NotificationService(repository: repo), person: person, polyclinic: polyclinic, hospital: hospital, result: result)
        }

        func condition(_ code: String = "A02.0", onset: String = "2026-11-20", recorded: String = "2026-11-22", status: String = "provisional",
                       evidence: String? = nil, notifier: String? = nil, kato: String? = nil) -> JSON {
            let base: JSON = [
                "resourceType": "Condition", "subject": ["reference": .string("Patient/\(person)")],
                "code": ["coding": [["system": "http://hl7.org/fhir/sid/icd-10", "code": .string(code), "display": "Salmonella enteritis"]]],
                "onsetDateTime": .string(onset), "recordedDate": .string(recorded),
                "verificationStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": .string(status)]]],
            ]
            guard case .object(var o) = base else { return base }
            if let evidence { o["evidence"] = [["detail": [["reference": .string(evidence)]]]] }
            var extensions: [JSON] = []
            if let notifier { extensions.append(["url": .string(CaseNotification.notifierExtension), "valueReference": ["reference": .string("Organization/\(notifier)")]]) }
            if let kato { extensions.append(["url": .string(CaseNotification.katoExtension), "valueCode": .string(kato)]) }
            if !extensions.isEmpty { o["extension"] = .array(extensions) }
            return .object(o)
        }
    }

    static let now = ISO8601DateFormatter().date(from: "2026-11-25T09:00:00Z") ?? Date()

    @Test(arguments: TestDatabase.available)
    func aRepeatedNotificationIsMergedIntoTheCase(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World.make(repo)
            let first = try await w.service.notify(w.condition(), organization: w.polyclinic, channel: .electronic, now: Self.now)
            #expect(!first.merged)
            #expect(first.record.region == "750000000" && first.record.district == "751100000" && first.record.settlement == "751110000")
            #expect(first.record.status == .suspected && first.record.disease == "A02" && first.record.organization == w.polyclinic)
            #expect(first.condition.json["meta"]?["profile"]?[0]?.stringValue == CaseNotification.profile)
            // The hospital confirms it with a laboratory result, with an onset two days earlier: the same case.
            let second = try await w.service.notify(w.condition(onset: "2026-11-18", recorded: "2026-11-23", status: "confirmed", evidence: "Observation/\(w.result)",
                                                                notifier: w.hospital), organization: nil, channel: .manual, now: Self.now)
            #expect(second.merged && second.condition.id == first.condition.id)
            #expect(second.record.status == .confirmed && second.record.laboratory)
            #expect(second.record.onset == "2026-11-18" && second.record.diagnosed == "2026-11-22")
            #expect(second.record.notifications == 2 && second.record.electronic == 1)
            #expect(second.condition.json["evidence"]?[0]?["detail"]?[0]?["reference"]?.stringValue == "Observation/\(w.result)")
            // A suspected notification afterwards does not take the confirmation back.
            let third = try await w.service.notify(w.condition(), organization: w.polyclinic, channel: .electronic, now: Self.now)
            #expect(third.merged && third.record.status == .confirmed && third.record.notifications == 3)
            // Two months later it is a new episode of an acute disease.
            let later = try await w.service.notify(w.condition(onset: "2027-01-20", recorded: "2027-01-21"), organization: w.polyclinic, channel: .electronic,
                                                   now: ISO8601DateFormatter().date(from: "2027-01-22T09:00:00Z") ?? Date())
            #expect(!later.merged)
            let counts = CaseCounts(repository: repo)
            #expect(try await counts.journal(.init()).count == 2)
            #expect(try await counts.electronicShare(.init()) == 3.0 / 4.0)
            // Every notification received is recorded, with its sender and about which case.
            let receipts = try await repo.search(type: "Communication", parameters: [("subject", "Patient/\(w.person)")], baseURL: "http://t")
            let abouts = (receipts["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["about"]?[0]?["reference"]?.stringValue }
            #expect(abouts.filter { $0 == "Condition/\(first.condition.id)" }.count == 3 && abouts.count == 4)
            let senders = (receipts["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["sender"]?["reference"]?.stringValue }
            #expect(senders.filter { $0 == "Organization/\(w.hospital)" }.count == 1)
        }
    }

    @Test(arguments: TestDatabase.available)
    func notificationsAtOnceMakeOneCase(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World.make(repo)
            let outcomes = try await withThrowingTaskGroup(of: NotificationService.Outcome.self) { group in
                for _ in 0..<8 { group.addTask { try await w.service.notify(w.condition(), organization: w.polyclinic, channel: .electronic, now: Self.now) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(outcomes.map(\.condition.id)).count == 1)
            #expect(outcomes.filter { !$0.merged }.count == 1)
            let journal = try await CaseCounts(repository: repo).journal(.init())
            #expect(journal.count == 1 && journal.first?.notifications == 8)
        }
    }

    @Test(arguments: TestDatabase.available)
    func badNotificationsNameEveryProblemAndWriteNothing(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World.make(repo)
            var bad = w.condition("J45", onset: "2026-11-23", recorded: "2026-11-21", status: "maybe")
            if case .object(var o) = bad { o["subject"] = ["reference": "Group/1"]; bad = .object(o) }
            do {
                _ = try await w.service.notify(bad, organization: w.polyclinic, channel: .electronic, now: Self.now)
                Issue.record("a bad notification was accepted")
            } catch let e as FHIRError {
                let places = Set(e.issues.compactMap(\.expression))
                #expect(places.isSuperset(of: ["Condition.subject", "Condition.code.coding", "Condition.onsetDateTime", "Condition.verificationStatus"]), "\(e)")
            }
            await #expect(throws: FHIRError.self) {   // diagnosed in the future
                try await w.service.notify(w.condition(onset: "2026-11-20", recorded: "2026-12-20"), organization: w.polyclinic, channel: .electronic, now: Self.now)
            }
            await #expect(throws: FHIRError.self) {   // no notifying organisation
                try await w.service.notify(w.condition(), organization: nil, channel: .electronic, now: Self.now)
            }
            await #expect(throws: FHIRError.self) {   // a KATO code of no region
                try await w.service.notify(w.condition(kato: "991110000"), organization: w.polyclinic, channel: .electronic, now: Self.now)
            }
            let conditions = try await repo.search(type: "Condition", parameters: [("_summary", "count")], baseURL: "http://t")
            #expect(conditions["total"]?.intValue == 0)
            #expect(try await CaseCounts(repository: repo).journal(.init(statuses: Set(CaseStatus.allCases))).isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func statusChangesFollowTheRules(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World.make(repo)
            let c = try await w.service.notify(w.condition(), organization: w.polyclinic, channel: .electronic, now: Self.now)
            let (confirmed, record) = try await w.service.setStatus(condition: c.condition.id, to: .confirmed, evidence: ["Observation/\(w.result)"], now: Self.now)
            #expect(record.status == .confirmed && record.laboratory)
            #expect(confirmed.json["verificationStatus"]?["coding"]?[0]?["code"]?.stringValue == "confirmed")
            _ = try await w.service.setStatus(condition: c.condition.id, to: .discarded, now: Self.now)
            do {
                _ = try await w.service.setStatus(condition: c.condition.id, to: .confirmed, now: Self.now)
                Issue.record("a discarded case was confirmed")
            } catch let e as FHIRError { #expect(e.status == 422) }
            // A discarded case is not counted, and a new notification starts a new case.
            let counts = CaseCounts(repository: repo)
            #expect(try await counts.counts(.init(), period: .week).isEmpty)
            let again = try await w.service.notify(w.condition(), organization: w.polyclinic, channel: .electronic, now: Self.now)
            #expect(!again.merged && again.condition.id != c.condition.id)
        }
    }

    @Test(arguments: TestDatabase.available)
    func countsByWeekAndDayWithRates(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World.make(repo)
            // Three people: two cases in ISO week 47 of 2026 (Mon 16 – Sun 22 Nov), one in week 48; one discarded.
            var people = [w.person]
            for _ in 0..<3 {
                people.append(try await repo.create(type: "Patient", resource: ["resourceType": "Patient", "address": [["state": "Алматы"]]]).resource.id)
            }
            let onsets = ["2026-11-16", "2026-11-22", "2026-11-23", "2026-11-17"]
            var ids: [String] = []
            for (p, onset) in zip(people, onsets) {
                var c = w.condition(onset: onset, recorded: "2026-11-24")
                if case .object(var o) = c { o["subject"] = ["reference": .string("Patient/\(p)")]; c = .object(o) }
                ids.append(try await w.service.notify(c, organization: w.polyclinic, channel: .electronic, now: Self.now).condition.id)
            }
            _ = try await w.service.setStatus(condition: ids[3], to: .discarded, now: Self.now)
            let counts = CaseCounts(repository: repo)
            let weekly = try await counts.counts(.init(disease: "A02"), period: .week)
            #expect(weekly.map(\.period) == ["2026-W47", "2026-W48"])
            #expect(weekly.map(\.cases) == [2, 1])
            let almaty = try #require(Regions.all.first { $0.kato == "750000000" })
            #expect(weekly[0].population == almaty.populationThousands * 1000)
            #expect(abs((weekly[0].rate ?? 0) - 2.0 / Double(almaty.populationThousands * 1000) * 100_000) < 1e-12)
            #expect(try await counts.counts(.init(), period: .day).map(\.cases) == [1, 1, 1])
            // Districts: the first person's settlement gives a district, the others only a region.
            let districts = try await counts.counts(.init(), period: .week, level: .district)
            #expect(Set(districts.map(\.place)) == ["751100000", "750000000"])
            #expect(try await counts.counts(.init(region: "710000000"), period: .week).isEmpty)
        }
    }

    @Test func isoWeeks() {
        #expect(CaseCalendar.isoWeekLabel("2026-01-01") == "2026-W01")
        #expect(CaseCalendar.isoWeekLabel("2027-01-01") == "2026-W53")
        #expect(CaseCalendar.isoWeekLabel("2024-12-30") == "2025-W01")
        #expect(CaseCalendar.isoWeekLabel("2021-01-03") == "2020-W53")
        #expect(CaseCalendar.monday(year: 2026, week: 48) == "2026-11-23")
        #expect(CaseCalendar.date(CaseCalendar.dayNumber("2000-02-29") ?? 0) == "2000-02-29")
    }
}
