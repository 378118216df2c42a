import DatabaseTesting
import FHIRJSON
import FHIRStore
import Foundation
@testable import PrimaryCare
import Testing

@Suite struct AttachmentTests {
    @Test(arguments: TestDatabase.available)
    func attachThenTransferKeepsOneActiveEpisodeAndTheHistory(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let service = AttachmentService(repository: repo)
            let first = try await service.attach(patient: "p1", organization: "phc-a", on: "2026-01-10")
            #expect(first.area == "a-gp" && first.since == "2026-01-10")
            // Asking again for the same organisation changes nothing.
            #expect(try await service.attach(patient: "p1", organization: "phc-a", on: "2026-02-01") == first)
            let moved = try await service.attach(patient: "p1", organization: "phc-b", reason: .relocation, on: "2026-03-15")
            #expect(moved.organization == "phc-b" && moved.area == "b-gp")
            let episodes = try await PrimaryCareWorld.episodes(repo, "p1").sorted { $0.start < $1.start }
            #expect(episodes.count == 2)
            #expect(episodes.first?.status == "finished" && episodes.first?.organization == "Organization/phc-a" && episodes.first?.end == "2026-03-15")
            #expect(episodes.last?.status == "active" && episodes.last?.organization == "Organization/phc-b" && episodes.last?.end == nil)
            #expect(try await PrimaryCareWorld.rows(repo, "p1") == 1)
            #expect(try await service.current(patient: "p1") == moved)
            let patient = try await repo.read(type: "Patient", id: "p1").json
            #expect(patient["generalPractitioner"]?[0]?["reference"]?.stringValue == "Organization/phc-b")
            // The first episode names the area's district doctor as care manager.
            let episode = try await repo.read(type: "EpisodeOfCare", id: first.episode).json
            #expect(episode["careManager"]?["reference"]?.stringValue == "Practitioner/pr-a")

            let ended = try #require(try await service.detach(patient: "p1", on: "2026-04-01"))
            #expect(ended.organization == "phc-b")
            #expect(try await service.current(patient: "p1") == nil)
            #expect(try await PrimaryCareWorld.episodes(repo, "p1").allSatisfy { $0.status == "finished" })
            #expect(try await repo.read(type: "Patient", id: "p1").json["generalPractitioner"] == nil)
            #expect(try await service.detach(patient: "p1") == nil)
        }
    }

    @Test(arguments: TestDatabase.available)
    func freeChoiceChangesTheOrganisationOnceAYear(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let service = AttachmentService(repository: repo)
            try await service.attach(patient: "p1", organization: "phc-a", on: "2026-01-10")
            await #expect(throws: FHIRError.self) { try await service.attach(patient: "p1", organization: "phc-b", on: "2026-06-01") }
            do {
                try await service.attach(patient: "p1", organization: "phc-b", on: "2026-06-01")
            } catch let error as FHIRError {
                #expect(error.status == 409)
                #expect(error.issues.first?.diagnostics.contains("2027-01-10") == true)
            }
            #expect(try await service.current(patient: "p1")?.organization == "phc-a")
            #expect(try await service.attach(patient: "p1", organization: "phc-b", on: "2027-01-10").organization == "phc-b")
        }
    }

    @Test(arguments: TestDatabase.available)
    func capacityAgeAndOrganisationRules(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let service = AttachmentService(repository: repo)
            try await service.attach(patient: "p1", organization: "phc-a")
            try await service.attach(patient: "p2", organization: "phc-a")
            // a-gp (capacity 2) is full; the paediatric area does not serve adults.
            #expect(await PrimaryCareWorld.status { try await service.attach(patient: "p3", organization: "phc-a") } == 409)
            #expect(await PrimaryCareWorld.status { try await service.attach(patient: "p3", organization: "phc-a", area: "a-ped") } == 422)
            #expect(await PrimaryCareWorld.status { try await service.attach(patient: "c1", organization: "phc-a", area: "a-ped") } == nil)
            #expect(await PrimaryCareWorld.status { try await service.attach(patient: "dead", organization: "phc-b") } == 422)
            #expect(await PrimaryCareWorld.status { try await service.attach(patient: "p3", organization: "hosp") } == 422)
            #expect(await PrimaryCareWorld.status { try await service.attach(patient: "p3", organization: "phc-b", area: "a-gp") } == 422)
            #expect(await PrimaryCareWorld.status { try await service.attach(patient: "ghost", organization: "phc-b") } == 404)
            #expect(await PrimaryCareWorld.status { try await service.attach(patient: "p3", organization: "ghost") } == 404)
            #expect(try await PrimaryCareWorld.attachedTo(repo, area: "a-gp") == 2)
            #expect(try await service.current(patient: "p3") == nil)
            // A refused request wrote nothing.
            #expect(try await PrimaryCareWorld.episodes(repo, "p3").isEmpty)
        }
    }

    @Test(arguments: TestDatabase.available)
    func concurrentRequestsForOnePersonLeaveOneActiveAttachment(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let service = AttachmentService(repository: repo)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<12 {
                    group.addTask {
                        _ = try? await service.attach(patient: "p1", organization: i % 2 == 0 ? "phc-a" : "phc-b", reason: .relocation)
                    }
                }
                try await group.waitForAll()
            }
            let episodes = try await PrimaryCareWorld.episodes(repo, "p1")
            #expect(episodes.filter { $0.status == "active" }.count == 1)
            #expect(try await PrimaryCareWorld.rows(repo, "p1") == 1)
            let current = try #require(try await service.current(patient: "p1"))
            let active = try #require(episodes.first { $0.status == "active" })
            #expect(active.organization == "Organization/\(current.organization)")
        }
    }

    @Test(arguments: TestDatabase.available)
    func concurrentRequestsForOneAreaNeverExceedItsCapacity(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let service = AttachmentService(repository: repo)
            let results = try await withThrowingTaskGroup(of: Int?.self) { group in
                for i in 1...6 {
                    group.addTask {
                        do { try await service.attach(patient: "p\(i)", organization: "phc-a", area: "a-gp"); return nil } catch let e as FHIRError { return e.status }
                    }
                }
                var out: [Int?] = []
                for try await r in group { out.append(r) }
                return out
            }
            #expect(results.filter { $0 == nil }.count == 2)
            #expect(results.filter { $0 == 409 }.count == 4)
            #expect(try await PrimaryCareWorld.attachedTo(repo, area: "a-gp") == 2)
            var active = 0
            for i in 1...6 { active += try await PrimaryCareWorld.episodes(repo, "p\(i)").filter { $0.status == "active" }.count }
            #expect(active == 2)
        }
    }

    @Test(arguments: TestDatabase.available)
    func autoAssignmentPicksTheNearestOrganisationWithRoom(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let service = AttachmentService(repository: repo)
            let report = try await service.autoAssign(on: "2026-05-01", batchSize: 3)
            // p1…p6 live next to A: two fit A's GP area, three B's (7 km), the sixth goes to Astana, the only
            // room left. The child goes to A's paediatric area; the Astana resident to phc-far.
            #expect(report.attached == 8)
            #expect(report.noCoordinates == 1)
            #expect(report.noRoom == 0)
            #expect(try await PrimaryCareWorld.attachedTo(repo, area: "a-gp") == 2)
            #expect(try await PrimaryCareWorld.attachedTo(repo, area: "b-gp") == 3)
            #expect(try await PrimaryCareWorld.attachedTo(repo, area: "a-ped") == 1)
            #expect(try await service.current(patient: "c1")?.area == "a-ped")
            #expect(try await service.current(patient: "astana")?.organization == "phc-far")
            #expect(try await service.current(patient: "dead") == nil)
            #expect(try await service.current(patient: "nowhere") == nil)
            // The nearest first: p1 and p2 (scanned first) got A.
            #expect(try await service.current(patient: "p1")?.organization == "phc-a")
            #expect(try await service.current(patient: "p6")?.organization == "phc-far")
            for id in ["p1", "p6", "c1", "astana"] {
                #expect(try await PrimaryCareWorld.episodes(repo, id).map(\.status) == ["active"])
            }
            // A second run finds nothing to do.
            let again = try await service.autoAssign(on: "2026-05-02")
            #expect(again.attached == 0 && again.noCoordinates == 1)
            // An automatic assignment was nobody's choice: the person may choose another organisation at once.
            #expect(try await service.attach(patient: "p1", organization: "phc-far", on: "2026-05-03").organization == "phc-far")
        }
    }

    @Test(arguments: TestDatabase.available)
    func autoAssignmentWithSeveralWorkersSharesOneMap(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let service = AttachmentService(repository: repo)
            // Three workers on ranges of three or four people, one person per batch: they plan on one map, so
            // the areas fill exactly as one worker fills them.
            let report = try await service.autoAssign(on: "2026-05-01", batchSize: 1, workers: 3)
            #expect(report.attached == 8 && report.noCoordinates == 1 && report.noRoom == 0)
            for (area, count) in [("a-gp", 2), ("b-gp", 3), ("a-ped", 1), ("far-gp", 2)] {
                #expect(try await PrimaryCareWorld.attachedTo(repo, area: area) == count, "area \(area)")
            }
            try await Self.expectConsistent(repo, service, ["p1", "p2", "p3", "p4", "p5", "p6", "c1", "astana"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func autoAssignmentRacingCitizensKeepsCapacities(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let service = AttachmentService(repository: repo)
            // Citizens take B's three places while two workers assign everyone: whoever commits first wins a
            // place; a batch that meets a place taken meanwhile is rolled back and planned again.
            let results = try await withThrowingTaskGroup(of: Int?.self) { group in
                group.addTask { _ = try await service.autoAssign(on: "2026-05-01", batchSize: 1, workers: 2); return nil }
                for i in [1, 3, 5] {
                    group.addTask {
                        do { try await service.attach(patient: "p\(i)", organization: "phc-b", area: "b-gp", on: "2026-05-01"); return nil }
                        catch let e as FHIRError { return e.status }
                    }
                }
                var out: [Int?] = []
                for try await r in group { out.append(r) }
                return out
            }
            #expect(results.allSatisfy { $0 == nil || $0 == 409 })
            #expect(try await PrimaryCareWorld.attachedTo(repo, area: "a-gp") <= 2)
            #expect(try await PrimaryCareWorld.attachedTo(repo, area: "b-gp") <= 3)
            #expect(try await PrimaryCareWorld.attachedTo(repo, area: "a-ped") <= 1)
            try await Self.expectConsistent(repo, service, ["p1", "p2", "p3", "p4", "p5", "p6", "c1", "astana"])
        }
    }

    @Test(arguments: TestDatabase.available)
    func aBatchMeetingAnAreaFilledMeanwhileIsPlannedAgain(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let service = AttachmentService(repository: repo)
            let map = try await repo.serviceTransaction { tx in try await CareMap.load(tx) }
            let planner = AutoAssignPlanner(map: map, repository: repo)
            // After the map was loaded, p5 and p6 take A's two GP places themselves.
            for p in ["p5", "p6"] { _ = try await service.attach(patient: p, organization: "phc-a", area: "a-gp", on: "2026-05-01") }
            // The batch p1…p4 plans p1 and p2 into A from the stale map, finds A full in the database, rolls back
            // and plans again: B's three places, then Astana.
            let last = try await AttachmentService.assignBatch(planner: planner, after: "nowhere", upTo: "p4", limit: 10, date: "2026-05-01")
            #expect(last == "p4")
            #expect(await planner.report.attached == 4)
            #expect(try await PrimaryCareWorld.attachedTo(repo, area: "a-gp") == 2)
            #expect(try await PrimaryCareWorld.attachedTo(repo, area: "b-gp") == 3)
            #expect(try await PrimaryCareWorld.attachedTo(repo, area: "far-gp") == 1)
            // Nothing of the rolled-back attempt remains: one episode each.
            for p in ["p1", "p2", "p3", "p4"] { #expect(try await PrimaryCareWorld.episodes(repo, p).count == 1, "\(p)") }
            try await Self.expectConsistent(repo, service, ["p1", "p2", "p3", "p4", "p5", "p6"])
        }
    }

    /// Each person is attached once, with one active episode of the same organisation, and the Patient names it
    /// as general practitioner.
    static func expectConsistent(_ repo: Repository, _ service: AttachmentService, _ people: [String]) async throws {
        for id in people {
            #expect(try await PrimaryCareWorld.rows(repo, id) == 1, "\(id) attached once")
            guard let current = try await service.current(patient: id) else { continue }
            let active = try await PrimaryCareWorld.episodes(repo, id).filter { $0.status == "active" }
            #expect(active.map(\.organization) == ["Organization/\(current.organization)"], "\(id)")
            let patient = try await repo.read(type: "Patient", id: id)
            #expect(patient.json["generalPractitioner"]?[0]?["reference"]?.stringValue == "Organization/\(current.organization)", "\(id)")
            #expect(patient.versionId >= 2)
        }
    }

    @Test(arguments: TestDatabase.available)
    func attachmentEpisodesCannotBeWrittenThroughREST(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            try await PrimaryCareWorld.load(repo)
            let episode: JSON = try JSONParser.parse(#"{"resourceType":"EpisodeOfCare","status":"active","type":[{"coding":[{"system":"\#(Attachment.episodeTypeSystem)","code":"attachment"}]}],"patient":{"reference":"Patient/p3"},"managingOrganization":{"reference":"Organization/phc-a"}}"#)
            await #expect(throws: FHIRError.self) { _ = try await repo.create(type: "EpisodeOfCare", resource: episode) }
            let attachment = try await AttachmentService(repository: repo).attach(patient: "p3", organization: "phc-a")
            await #expect(throws: FHIRError.self) { try await repo.delete(type: "EpisodeOfCare", id: attachment.episode) }
            #expect(try await PrimaryCareWorld.episodes(repo, "p3").count == 1)
        }
    }
}
