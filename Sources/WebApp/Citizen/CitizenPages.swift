import FHIRJSON
import FHIRStore
import Foundation
import Hummingbird
import Identity
import PrimaryCare

/// The citizen's personal health cabinet (seed 002, processes 1.1–1.4; KPI: share of the population using it):
/// the people whose records she holds (herself and her children as their legal representative), their
/// attachment, appointments and home visits with their status; booking and cancelling visits (in person or
/// remote) and asking for a doctor at home, through the same services as the FHIR operations.
struct CitizenPages: Sendable {
    let app: WebApp

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let pages = self, app = self.app
        router.get("/me") { request, _ in await app.handle(request) { page in try await pages.overview(page) } }
        router.get("/me/book") { request, _ in await app.handle(request) { page in try await pages.slots(page) } }
        router.post("/me/book") { request, _ in await app.handle(request) { page in try await pages.book(page) } }
        router.post("/me/appointments/:id/cancel") { request, context in await app.handle(request, context) { page in try await pages.cancel(page, appointment: page.parameter("id")) } }
        router.post("/me/home-visit") { request, _ in await app.handle(request) { page in try await pages.homeVisit(page) } }
        router.get("/me/attach") { request, _ in await app.handle(request) { page in try await pages.attachChoices(page) } }
        router.post("/me/attach") { request, _ in await app.handle(request) { page in try await pages.attach(page) } }
        router.get("/me/record") { request, _ in await app.handle(request) { page in try await pages.record(page) } }
        router.get("/me/access") { request, _ in await app.handle(request) { page in try await pages.accessLog(page) } }
    }

    /// A person whose record the citizen holds.
    struct Person: Sendable {
        var id: String
        var name: String
        var own: Bool
    }

    /// The citizen and the people she represents, herself first; and the one the page is about (`?patient=`).
    func people(_ page: PageRequest) async throws -> (all: [Person], selected: Person) {
        let principal = try page.require([.citizen])
        let repository = app.repository
        let bundle = try await page.withRecordAccess("search") {
            try await repository.search(type: "Patient", parameters: [("_count", "50")], baseURL: "")
        }
        var people = (bundle["entry"]?.arrayValue ?? []).compactMap { entry -> Person? in
            guard let patient = entry["resource"], let id = patient["id"]?.stringValue else { return nil }
            let own = (patient["identifier"]?.arrayValue ?? []).contains { $0["value"]?.stringValue == principal.iin }
            return Person(id: id, name: DisplayName.person(patient), own: own)
        }
        people.sort { ($0.own ? 0 : 1, $0.name) < ($1.own ? 0 : 1, $1.name) }
        guard let first = people.first else { throw PageRefusal(status: 404, messageKey: "no_record") }
        let wanted = page.query("patient") ?? page.formPatient
        return (people, people.first { $0.id == wanted } ?? first)
    }

    func peopleData(_ page: PageRequest, _ all: [Person], _ selected: Person, path: String) -> [String: Any] {
        [
            "people": all.map { ["id": $0.id, "name": $0.name, "own": $0.own, "selected": $0.id == selected.id, "href": path + "?patient=" + $0.id] },
            "has_children": all.count > 1, "person": selected.name, "patient": selected.id,
        ]
    }

    // MARK: - Overview

    func overview(_ page: PageRequest) async throws -> Response {
        let (all, person) = try await people(page)
        let repository = app.repository
        let today = Instant.now().dateInKazakhstan
        var data = peopleData(page, all, person, path: "/me")
        // Attachment: the directory entries are public, read with the service's access.
        if let attachment = try await AttachmentService(repository: repository).current(patient: person.id) {
            let (org, area) = try await repository.serviceTransaction { tx in
                (try await tx.read("Organization", attachment.organization)?.json, try await tx.read("Location", attachment.area)?.json)
            }
            data["attachment"] = ["organization": DisplayName.of(org), "area": DisplayName.of(area), "since": page.language.date(attachment.since)]
        }
        let (appointments, visits) = try await page.withRecordAccess("search") {
            (try await repository.search(type: "Appointment", parameters: [("patient", "Patient/\(person.id)"), ("date", "ge\(today)"),
                                                                           ("_sort", "date"), ("_count", "20")], baseURL: ""),
             try await repository.search(type: "ServiceRequest", parameters: [("subject", "Patient/\(person.id)"),
                                                                              ("category", "\(HomeVisitService.categorySystem)|\(HomeVisitService.category)"),
                                                                              ("_sort", "-authored"), ("_count", "10")], baseURL: ""))
        }
        data["appointments"] = (appointments["entry"]?.arrayValue ?? []).compactMap { entry -> [String: Any]? in
            guard let a = entry["resource"], let id = a["id"]?.stringValue else { return nil }
            let status = a["status"]?.stringValue ?? ""
            let start = a["start"]?.stringValue ?? ""
            let remote = a["appointmentType"]?["coding"]?[0]?["code"]?.stringValue == "remote"
            let room = (a["extension"]?.arrayValue ?? []).first { $0["valueUrl"] != nil }?["valueUrl"]?.stringValue
            return ["id": id, "when": page.language.date(start) + " " + String(start.dropFirst(11).prefix(5)),
                    "status": page.t("appointment_" + status), "booked": status == "booked", "remote": remote, "room": room ?? ""]
        }
        data["visits"] = (visits["entry"]?.arrayValue ?? []).compactMap { entry -> [String: Any]? in
            guard let r = entry["resource"] else { return nil }
            let status = r["status"]?.stringValue ?? ""
            let assigned = (r["performer"]?.arrayValue ?? []).isEmpty == false
            return ["day": page.language.date(r["occurrenceDateTime"]?.stringValue ?? ""), "reason": r["reasonCode"]?[0]?["text"]?.stringValue ?? "",
                    "status": page.t("visit_" + status), "assigned": page.t(assigned ? "visit_doctor_assigned" : "visit_doctor_pending")]
        }
        data["has_appointments"] = !(data["appointments"] as? [Any] ?? []).isEmpty
        data["has_visits"] = !(data["visits"] as? [Any] ?? []).isEmpty
        if let done = page.query("done") { data["notice"] = page.t("done_" + done) }
        if let refused = page.query("refused") { data["error"] = page.t("refused_" + refused) }
        return page.render("me", title: page.t("me_title"), data)
    }

    // MARK: - Booking

    func slots(_ page: PageRequest) async throws -> Response {
        let (all, person) = try await people(page)
        let repository = app.repository
        var data = peopleData(page, all, person, path: "/me/book")
        guard let attachment = try await AttachmentService(repository: repository).current(patient: person.id) else {
            data["error"] = page.t("refused_not_attached")
            return page.render("me-book", title: page.t("book_title"), data)
        }
        let now = Instant.now().iso
        // The district doctor of the person's area: free published slots, soonest first.
        let slots = try await repository.serviceTransaction { tx -> [(slot: StoredResource, remote: Bool)] in
            var found: [(StoredResource, Bool)] = []
            for role in try await tx.ids("PractitionerRole", matching: "location=Location/\(attachment.area)").sorted() {
                for schedule in try await tx.resources("Schedule", matching: "actor=PractitionerRole/\(role)&active=true") {
                    let remote = (schedule.json["extension"]?.arrayValue ?? []).contains { $0["url"]?.stringValue == ScheduleService.remoteExtension && $0["valueBoolean"]?.boolValue == true }
                    for slot in try await tx.resources("Slot", matching: "schedule=Schedule/\(schedule.id)&status=free") where (slot.json["start"]?.stringValue ?? "") > now {
                        found.append((slot, remote))
                    }
                }
            }
            return Array(found.sorted { ($0.0.json["start"]?.stringValue ?? "") < ($1.0.json["start"]?.stringValue ?? "") }.prefix(24))
        }
        data["slots"] = slots.map { item -> [String: Any] in
            let start = item.slot.json["start"]?.stringValue ?? ""
            return ["id": item.slot.id, "when": page.language.date(start) + " " + String(start.dropFirst(11).prefix(5)), "remote": item.remote]
        }
        data["has_slots"] = !slots.isEmpty
        return page.render("me-book", title: page.t("book_title"), data)
    }

    func book(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        let (_, person) = try await people(page.with(formPatient: form["patient"]))
        guard let slot = form["slot"], !slot.isEmpty else { throw PageRefusal(status: 400, messageKey: "form_expired") }
        do {
            _ = try await BookingService(repository: app.repository).book(slot: slot, patient: person.id, reason: form["reason"], remote: form["remote"] == "true")
            return page.redirect("/me?patient=\(person.id)&done=booked")
        } catch let error as FHIRError where error.status == 409 {
            return page.redirect("/me?patient=\(person.id)&refused=slot_taken")
        } catch let error as FHIRError where error.status == 422 {
            return page.redirect("/me?patient=\(person.id)&refused=booking_rule")
        }
    }

    func cancel(_ page: PageRequest, appointment: String) async throws -> Response {
        let form = try await page.form()
        let (all, _) = try await people(page.with(formPatient: form["patient"]))
        let booking = BookingService(repository: app.repository)
        let parties = try await booking.parties(appointment: appointment)
        // Only an appointment of someone whose record she holds.
        guard let patient = parties.patient, all.contains(where: { $0.id == patient }) else { throw PageRefusal(status: 403, messageKey: "forbidden") }
        _ = try await booking.cancel(appointment: appointment, reason: "cancelled by the patient in the cabinet")
        return page.redirect("/me?patient=\(patient)&done=cancelled")
    }

    func homeVisit(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        let (_, person) = try await people(page.with(formPatient: form["patient"]))
        do {
            _ = try await HomeVisitService(repository: app.repository).request(patient: person.id, reason: form["reason"] ?? "")
            return page.redirect("/me?patient=\(person.id)&done=home_visit")
        } catch let error as FHIRError where error.status == 400 {
            return page.redirect("/me?patient=\(person.id)&refused=no_reason")
        } catch let error as FHIRError where error.status == 422 {
            return page.redirect("/me?patient=\(person.id)&refused=not_attached")
        }
    }
}

extension PageRequest {
    /// The request with the person a posted form is about, for `CitizenPages.people`.
    func with(formPatient: String?) -> PageRequest {
        var copy = self
        copy.formPatient = formPatient
        return copy
    }
}
