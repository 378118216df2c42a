import Audit
import DatabaseTesting
import FHIRJSON
import FHIRStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Identity
import PrimaryCare
import SyntheticKazakhstan
import Testing
import WebApp

/// The citizen's cabinet through HTTP as a browser uses it, on SQLite and PostgreSQL, on the demo country: a mother
/// books a visit for her child, loses a race for a slot with a clear message, cancels, asks for a doctor at home,
/// reads the record and who accessed it — and cannot reach anyone else's.
@Suite struct CitizenPagesTests {
    static let password = "pw-citizen-long-enough"

    struct World {
        let repo: Repository
        let server: WebTestServer
        var audit: AuditLog { server.audit }

        init(_ repo: Repository) async throws {
            self.repo = repo
            _ = try await DemoLoader(repository: repo).load(DemoCountry(scale: 0.0001, seed: 3))
            let mothers = try await repo.search(type: "RelatedPerson", parameters: [("_count", "1"), ("_sort", "_id")], baseURL: "")
            let iin = try #require(mothers["entry"]?[0]?["resource"]?["identifier"]?[0]?["value"]?.stringValue)
            server = try await WebTestServer.make(repo, accounts: [NewAccount(username: "mother", password: CitizenPagesTests.password, role: .citizen, iin: iin)])
        }

        func app() -> some ApplicationProtocol { server.app() }

        /// The ids in `href="/me…?patient=…"` links of the people switcher.
        static func people(_ page: WebBrowser.Page) -> [String] {
            page.html.components(separatedBy: "?patient=").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
        }

        func appointments(_ patient: String) async throws -> [JSON] {
            let bundle = try await repo.search(type: "Appointment", parameters: [("patient", "Patient/\(patient)")], baseURL: "")
            return (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
        }
    }

    @Test(arguments: TestDatabase.available)
    func aMotherBooksForHerChildCancelsAndAsksForADoctorAtHome(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            try await w.app().test(.router) { client in
                var mother = WebBrowser()
                let signedIn = try await mother.signIn(client, "mother", Self.password)
                #expect(signedIn.status == 303)
                #expect(try await mother.get(client, "/").location == "/me")
                let cabinet = try await mother.get(client, "/me")
                #expect(cabinet.status == 200 && cabinet.contains("<h1>Личный кабинет</h1>") && cabinet.contains("Прикрепление"))
                let people = Array(Set(World.people(cabinet))).sorted()
                #expect(people.count >= 2, "the mother and at least one child")
                let token = try #require(cabinet.formToken)
                // The child's free slots with their district doctor; book the first.
                let child = try #require(people.first { !cabinet.html.contains("?patient=\($0)\" aria-current") })
                let slots = try await mother.get(client, "/me/book?patient=\(child)")
                #expect(slots.status == 200 && slots.contains("Свободное время участкового врача"))
                let slot = try #require(slots.html.components(separatedBy: #"name="slot" value=""#).dropFirst().first?.split(separator: "\"").first.map(String.init))
                let booked = try await mother.post(client, "/me/book", ["form_token": token, "patient": child, "slot": slot, "remote": "false"])
                #expect(booked.status == 303 && booked.location == "/me?patient=\(child)&done=booked")
                let after = try await mother.get(client, booked.location ?? "/me")
                #expect(after.contains("Вы записаны.") && after.contains("Отменить запись"))
                // The same slot again: a clear message, no second appointment.
                let again = try await mother.post(client, "/me/book", ["form_token": token, "patient": child, "slot": slot, "remote": "false"])
                #expect(again.location == "/me?patient=\(child)&refused=slot_taken")
                #expect(try await mother.get(client, again.location ?? "/me").contains("Это время уже занято. Выберите другое."))
                let appointments = try await w.appointments(child)
                #expect(appointments.count == 1)
                let appointment = try #require(appointments.first?["id"]?.stringValue)
                // Cancelled from the cabinet.
                let cancelled = try await mother.post(client, "/me/appointments/\(appointment)/cancel", ["form_token": token, "patient": child])
                #expect(cancelled.location == "/me?patient=\(child)&done=cancelled")
                #expect(try await w.appointments(child).first?["status"]?.stringValue == "cancelled")
                // A doctor at home: a reason is needed.
                let noReason = try await mother.post(client, "/me/home-visit", ["form_token": token, "patient": child, "reason": "  "])
                #expect(noReason.location == "/me?patient=\(child)&refused=no_reason")
                let visit = try await mother.post(client, "/me/home-visit", ["form_token": token, "patient": child, "reason": "температура 38,5"])
                #expect(visit.location == "/me?patient=\(child)&done=home_visit")
                #expect(try await mother.get(client, "/me?patient=\(child)&lang=kk").contains("температура 38,5"))
                // The record and the access log, in English.
                let record = try await mother.get(client, "/me/record?patient=\(child)&lang=en")
                #expect(record.status == 200 && record.contains("Visits") && record.contains("Vaccinations"))
                try await w.audit.flush()
                let access = try await mother.get(client, "/me/access")
                #expect(access.status == 200 && access.contains("citizen"))
            }
            try await w.audit.shutdown()
        }
    }

    @Test(arguments: TestDatabase.available)
    func aCitizenSignsInWithHerIIN(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            let mothers = try await repo.search(type: "RelatedPerson", parameters: [("_count", "1"), ("_sort", "_id")], baseURL: "")
            let iin = try #require(mothers["entry"]?[0]?["resource"]?["identifier"]?[0]?["value"]?.stringValue)
            try await w.app().test(.router) { client in
                var mother = WebBrowser()
                let signedIn = try await mother.signIn(client, iin, Self.password)
                #expect(signedIn.status == 303 && signedIn.location == "/")
                #expect(try await mother.get(client, "/me").contains("Прикрепление"))
                var wrong = WebBrowser()
                #expect(try await wrong.signIn(client, iin, "not-her-password").status != 303)
            }
            try await w.audit.shutdown()
        }
    }

    @Test(arguments: TestDatabase.available)
    func nobodyElsesRecordIsReachable(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            // Someone who is not in the mother's family, with an appointment.
            let stranger = try #require(try await repo.search(type: "Patient", parameters: [("_count", "200")], baseURL: "")["entry"]?.arrayValue?
                .compactMap { $0["resource"]?["id"]?.stringValue }.last)
            try await w.app().test(.router) { client in
                var mother = WebBrowser()
                _ = try await mother.signIn(client, "mother", Self.password)
                let cabinet = try await mother.get(client, "/me")
                let people = World.people(cabinet)
                #expect(!people.contains(stranger))
                // Asking for the stranger shows her own cabinet, not the stranger's.
                let asked = try await mother.get(client, "/me/record?patient=\(stranger)")
                #expect(asked.status == 200 && !asked.contains("?patient=\(stranger)\" aria-current"))
                // Booking for the stranger books nothing for them.
                let token = try #require(cabinet.formToken)
                _ = try await mother.post(client, "/me/home-visit", ["form_token": token, "patient": stranger, "reason": "чужой"])
                let requests = try await repo.search(type: "ServiceRequest", parameters: [("subject", "Patient/\(stranger)")], baseURL: "")
                let found = requests["entry"]?.arrayValue ?? []
                #expect(found.isEmpty)
                // Without a session: the sign-in page.
                var nobody = WebBrowser()
                #expect(try await nobody.get(client, "/me").location == "/sign-in?next=/me")
            }
            try await w.audit.shutdown()
        }
    }

    @Test(arguments: TestDatabase.available)
    func aMotherMovesHerChildToAnotherPolyclinicOnceAYear(_ db: TestDatabase) async throws {
        try await db.withRepository { repo in
            let w = try await World(repo)
            try await w.app().test(.router) { client in
                var mother = WebBrowser()
                _ = try await mother.signIn(client, "mother", Self.password)
                let cabinet = try await mother.get(client, "/me")
                let token = try #require(cabinet.formToken)
                let child = try #require(Array(Set(World.people(cabinet))).sorted().first { !cabinet.html.contains("?patient=\($0)\" aria-current") })
                // A second polyclinic with room in the child's region, next to the child's home.
                let person = try await repo.read(type: "Patient", id: child).json
                let state = try #require(person["address"]?[0]?["state"]?.stringValue)
                let geo = person["address"]?[0]?["extension"]?.arrayValue?.first { $0["url"]?.stringValue == "http://hl7.org/fhir/StructureDefinition/geolocation" }
                let near = try await repo.create(type: "Organization", resource: [
                    "resourceType": "Organization", "name": "Новая поликлиника",
                    "type": [["coding": [["system": "http://densauluq.kz/fhir/CodeSystem/organization-type", "code": "phc"]]]],
                    "address": [["state": .string(state), "extension": geo.map { [$0] } ?? []]],
                ]).resource.id
                _ = try await repo.create(type: "Location", resource: [
                    "resourceType": "Location", "status": "active", "name": "Участок №1",
                    "managingOrganization": ["reference": .string("Organization/\(near)")],
                    "type": [["coding": [["system": .string(Attachment.areaTypeSystem), "code": "gp"]]]],
                    "extension": [["url": .string(Attachment.capacityExtension), "valueInteger": 100]],
                ])
                let old = try #require(try await AttachmentService(repository: repo).current(patient: child)?.organization)
                let choices = try await mother.get(client, "/me/attach?patient=\(child)")
                #expect(choices.status == 200 && choices.contains("Новая поликлиника") && choices.contains("вы прикреплены здесь"))
                let moved = try await mother.post(client, "/me/attach", ["form_token": token, "patient": child, "organization": near])
                #expect(moved.location == "/me?patient=\(child)&done=attached")
                #expect(try await mother.get(client, moved.location ?? "/me").contains("Новая поликлиника"))
                #expect(try await AttachmentService(repository: repo).current(patient: child)?.organization == near)
                // Back again at once: free choice is once a year; nothing changes.
                let again = try await mother.post(client, "/me/attach", ["form_token": token, "patient": child, "organization": old])
                #expect(again.location == "/me?patient=\(child)&refused=attach_year")
                #expect(try await mother.get(client, again.location ?? "/me").contains("раз в год"))
                #expect(try await AttachmentService(repository: repo).current(patient: child)?.organization == near)
            }
            try await w.audit.shutdown()
        }
    }
}
