import DatabaseTesting
import FHIRJSON
import FHIRStore
import FHIRValidation
import Foundation
import SyntheticKazakhstan
import Testing

@Suite struct DemoCountryTests {
    static func resources(scale: Double = 0.0001, seed: UInt64 = 1) async throws -> [JSON] {
        var all: [JSON] = []
        try await DemoCountry(scale: scale, seed: seed).generate { all += $0 }
        return all
    }

    @Test func theTwentyRegionsHaveDistinctKATOCodes() {
        #expect(Regions.all.count == 20 && Regions.all.filter(\.isCity).count == 3)
        #expect(Set(Regions.all.map(\.kato)).count == 20)
        #expect(Regions.all.allSatisfy { $0.kato.count == 9 && $0.kato.allSatisfy(\.isNumber) && $0.kato.hasSuffix("0000000") })
        #expect((19_500...21_000).contains(Regions.populationThousands))
    }

    @Test func theSameSeedGivesTheSameCountryAndAnotherSeedAnother() async throws {
        let a = try await Self.resources(seed: 7).map { $0.serialized() }
        let b = try await Self.resources(seed: 7).map { $0.serialized() }
        let c = try await Self.resources(seed: 8).map { $0.serialized() }
        #expect(a == b)
        #expect(a != c)
    }

    @Test func countsFollowTheNationalFiguresTimesTheScale() async throws {
        let plan = DemoPlan(scale: 0.01)
        #expect(plan.people == 200_000 && plan.primaryCareOrganizations == 50 && plan.catchmentAreas == 125)
        #expect(plan.pharmacies == 85 && plan.medicalWorkers == 2_750 && plan.ruralSettlements == 63)
        let all = try await Self.resources(scale: 0.001)
        let byType = Dictionary(grouping: all, by: { $0["resourceType"]?.stringValue ?? "" }).mapValues(\.count)
        let small = DemoPlan(scale: 0.001)
        #expect(byType["Patient"] == small.people)
        #expect(byType["Location"] == small.catchmentAreas)
        #expect(byType["Organization"] == small.primaryCareOrganizations + small.otherOrganizations + small.pharmacies)
        #expect(byType["Practitioner"] == small.medicalWorkers)
        // Area types near the shares of seed 001 (75.3 % GP, 9.5 % therapeutic, 15.2 % paediatric); each
        // organisation's first area is a GP area, so GP areas are somewhat more.
        let types = all.filter { $0["resourceType"]?.stringValue == "Location" }.compactMap { $0["type"]?[0]?["coding"]?[0]?["code"]?.stringValue }
        let gp = Double(types.filter { $0 == "gp" }.count) / Double(types.count)
        #expect((0.7...0.95).contains(gp))
        #expect(types.contains("paediatric") && types.contains("therapeutic"))
    }

    @Test func peopleHaveValidUniqueIINsAndOneAttachmentWithinCapacity() async throws {
        let all = try await Self.resources(scale: 0.001)
        let patients = all.filter { $0["resourceType"]?.stringValue == "Patient" }
        var iins = Set<String>()
        for p in patients {
            let iin = try #require(p["identifier"]?[0]?["value"]?.stringValue)
            #expect(iins.insert(iin).inserted, "duplicate ИИН \(iin)")
            #expect(IIN.validatePatient(p).isEmpty, "\(p["id"]?.stringValue ?? "")")
        }
        let episodes = all.filter { $0["resourceType"]?.stringValue == "EpisodeOfCare" }
        let attachedPatients = episodes.compactMap { $0["patient"]?["reference"]?.stringValue }
        #expect(Set(attachedPatients).count == attachedPatients.count, "one active attachment per person")
        let living = patients.filter { $0["deceasedDateTime"] == nil }
        #expect(Double(attachedPatients.count) >= Double(living.count) * 0.95, "almost everyone living is attached")
        #expect(patients.filter { $0["deceasedDateTime"] != nil }.allSatisfy { $0["generalPractitioner"] == nil })
        // No area holds more people than its capacity.
        let capacity = Dictionary(uniqueKeysWithValues: all.filter { $0["resourceType"]?.stringValue == "Location" }.compactMap { l -> (String, Int)? in
            guard let id = l["id"]?.stringValue, let c = l["extension"]?[0]?["valueInteger"]?.intValue else { return nil }
            return ("Location/" + id, c)
        })
        let perArea = Dictionary(grouping: episodes, by: { $0["extension"]?[0]?["valueReference"]?["reference"]?.stringValue ?? "" }).mapValues(\.count)
        #expect(perArea.allSatisfy { area, n in n <= (capacity[area] ?? 0) })
        // Children under 18 are on paediatric or GP areas, never therapeutic ones.
        let areaType = Dictionary(uniqueKeysWithValues: all.filter { $0["resourceType"]?.stringValue == "Location" }.compactMap { l -> (String, String)? in
            guard let id = l["id"]?.stringValue, let t = l["type"]?[0]?["coding"]?[0]?["code"]?.stringValue else { return nil }
            return ("Location/" + id, t)
        })
        let birth = Dictionary(uniqueKeysWithValues: patients.compactMap { p in p["id"]?.stringValue.map { ("Patient/" + $0, p["birthDate"]?.stringValue ?? "") } })
        for e in episodes {
            let patient = e["patient"]?["reference"]?.stringValue ?? ""
            let area = e["extension"]?[0]?["valueReference"]?["reference"]?.stringValue ?? ""
            if (birth[patient] ?? "") > "2008-01-01" { #expect(areaType[area] != "therapeutic") }
        }
    }

    /// The demo loads through the store's validation on both databases, and `serve --demo` loads it once.
    @Test(arguments: TestDatabase.available)
    func theDemoLoadsAndValidatesOnce(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let loader = DemoLoader(repository: repo)
            let country = DemoCountry(scale: 0.0001)
            let summary = try #require(try await loader.loadIfAbsent(country))
            #expect(summary.resources > 5_000 && summary.byType["Patient"] == 2_000)
            #expect(try await loader.loadIfAbsent(country) == nil)
            #expect(try await loader.recorded() == "scale=0.0001;seed=1")
            let count = try await repo.search(type: "EpisodeOfCare", parameters: [("_summary", "count")], baseURL: "")
            #expect(count["total"]?.intValue == summary.byType["EpisodeOfCare"])
            let almaty = try await repo.search(type: "Patient", parameters: [("address-state", "Алматы"), ("_summary", "count")], baseURL: "")
            #expect((almaty["total"]?.intValue ?? 0) > 100)
        }
    }
}
