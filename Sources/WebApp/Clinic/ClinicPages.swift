import Audit
import FHIRJSON
import FHIRStore
import FHIRValidation
import Foundation
import Hummingbird
import Identity
import PrimaryCare
import Surveillance

/// The clinician's workspace (seed 002, processes 1.2–1.4, 1.35, 1.36): the day's visits and home visits, finding
/// a patient by ИИН or name, the patient's summary, and recording a visit — in person, remote or at home — with
/// ICD-10 diagnoses, vital signs, a referral, a prescription and a note, through the same `VisitRecordService` as
/// the `$complete` operation.
///
/// Everything is read within the clinician's access scope (`AccessPolicy`: patients attached to her organisation
/// or with a visit, encounter or referral there), so a page shows nobody the API would not.
struct ClinicPages: Sendable {
    let app: WebApp

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let pages = self, app = self.app
        router.get("/clinic") { request, _ in await app.handle(request) { page in try await pages.day(page) } }
        router.get("/clinic/patients") { request, _ in await app.handle(request) { page in try await pages.find(page) } }
        router.get("/clinic/patients/:id") { request, context in await app.handle(request, context) { page in try await pages.summary(page, patient: page.parameter("id")) } }
        router.post("/clinic/appointments/:id/start") { request, context in await app.handle(request, context) { page in try await pages.start(page, appointment: page.parameter("id")) } }
        router.get("/clinic/visits/:kind/:id") { request, context in
            await app.handle(request, context) { page in try await VisitPage(app: app).show(page, VisitPage.Target(page), draft: .init()) }
        }
        router.post("/clinic/visits/:kind/:id") { request, context in
            await app.handle(request, context) { page in try await VisitPage(app: app).post(page, VisitPage.Target(page)) }
        }
    }

    /// The signed-in clinician and her Practitioner.
    static func clinician(_ page: PageRequest) throws -> (token: AccessToken, practitioner: String, organization: String) {
        let token = try page.require([.clinician])
        guard let practitioner = token.practitioner, let organization = token.org else { throw PageRefusal(status: 403, messageKey: "clinic_no_practitioner") }
        return (token, practitioner, organization)
    }

    /// A patient's line: name, birth date, sex and ИИН.
    static func patientRow(_ patient: JSON, _ page: PageRequest) -> [String: Any] {
        let iin = (patient["identifier"]?.arrayValue ?? []).first { $0["system"]?.stringValue == IIN.system }?["value"]?.stringValue ?? ""
        return ["id": patient["id"]?.stringValue ?? "", "name": DisplayName.person(patient), "iin": iin,
                "born": page.language.date(patient["birthDate"]?.stringValue ?? ""),
                "sex": patient["gender"]?.stringValue.map { page.t("sex_" + $0) } ?? ""]
    }

    // MARK: - The day

    func day(_ page: PageRequest) async throws -> Response {
        let me = try Self.clinician(page)
        let today = Instant.now().dateInKazakhstan
        let day = page.query("day").flatMap { CaseCalendar.dayNumber($0) != nil ? $0 : nil } ?? today
        guard let number = CaseCalendar.dayNumber(day) else { throw PageRefusal(status: 400, messageKey: "form_expired") }
        let next = CaseCalendar.date(number + 1), previous = CaseCalendar.date(number - 1)
        let repository = app.repository
        let (appointments, homeVisits) = try await page.withRecordAccess("search") {
            (try await repository.search(type: "Appointment", parameters: [
                ("practitioner", "Practitioner/\(me.practitioner)"), ("date", "ge\(day)T00:00:00+05:00"), ("date", "lt\(next)T00:00:00+05:00"),
                ("_sort", "date"), ("_count", "100"), ("_include", "Appointment:patient")], baseURL: ""),
             try await repository.search(type: "ServiceRequest", parameters: [
                ("performer", "Practitioner/\(me.practitioner)"), ("status", "active"),
                ("category", "\(HomeVisitService.categorySystem)|\(HomeVisitService.category)"), ("_sort", "occurrence"), ("_count", "50"),
                ("_include", "ServiceRequest:subject")], baseURL: ""))
        }
        var patients: [String: JSON] = [:]
        for entry in (appointments["entry"]?.arrayValue ?? []) + (homeVisits["entry"]?.arrayValue ?? []) {
            if let r = entry["resource"], r["resourceType"]?.stringValue == "Patient", let id = r["id"]?.stringValue { patients[id] = r }
        }
        func person(_ id: String?) -> [String: Any] {
            guard let id else { return [:] }
            return patients[id].map { Self.patientRow($0, page) } ?? ["id": id, "name": id]
        }
        let visits = (appointments["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }.filter { $0["resourceType"]?.stringValue == "Appointment" }
            .map { a -> [String: Any] in
                let status = a["status"]?.stringValue ?? ""
                let start = a["start"]?.stringValue ?? ""
                let remote = a["appointmentType"]?["coding"]?[0]?["code"]?.stringValue == "remote"
                let open = status == "booked" || status == "arrived"
                let patient = (a["participant"]?.arrayValue ?? []).lazy.compactMap { Attachment.id($0["actor"]?["reference"]?.stringValue, "Patient") }.first
                return ["id": a["id"]?.stringValue ?? "", "time": String(start.dropFirst(11).prefix(5)), "patient": person(patient),
                        "reason": a["reasonCode"]?[0]?["text"]?.stringValue ?? "", "status": page.t("appointment_" + status),
                        "remote": remote, "open": open, "can_start": remote && status == "booked", "started": status == "arrived",
                        "done": status == "fulfilled"]
            }
        let calls = (homeVisits["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }.filter { $0["resourceType"]?.stringValue == "ServiceRequest" }
            .map { r -> [String: Any] in
                ["id": r["id"]?.stringValue ?? "", "day": page.language.date(r["occurrenceDateTime"]?.stringValue ?? ""),
                 "patient": person(Attachment.id(r["subject"]?["reference"]?.stringValue, "Patient")),
                 "reason": r["reasonCode"]?[0]?["text"]?.stringValue ?? ""]
            }
        var data: [String: Any] = [
            "day": page.language.date(day), "is_today": day == today, "previous": "/clinic?day=\(previous)", "next": "/clinic?day=\(next)",
            "today_href": "/clinic", "visits": visits, "has_visits": !visits.isEmpty, "calls": calls, "has_calls": !calls.isEmpty,
            "left": visits.filter { ($0["open"] as? Bool) == true }.count,
        ]
        if let refused = page.query("refused") { data["error"] = page.t("refused_" + refused) }
        if let done = page.query("done") { data["notice"] = page.t("done_" + done) }
        return page.render("clinic", title: page.t("clinic_title"), data)
    }

    /// Starts a remote consultation (or an in-person visit) and opens its record form, which shows the video room.
    func start(_ page: PageRequest, appointment id: String) async throws -> Response {
        _ = try await page.form()
        let me = try Self.clinician(page)
        let parties: BookingService.Parties
        do { parties = try await BookingService(repository: app.repository).parties(appointment: id) } catch let error as FHIRError where error.status == 404 {
            throw PageRefusal(status: 404, messageKey: "clinic_no_visit")
        }
        guard parties.organization == me.organization else { throw PageRefusal(status: 403, messageKey: "clinic_not_your_visit") }
        do {
            _ = try await VisitRecordService(repository: app.repository).start(appointment: id)
        } catch let error as FHIRError where error.status == 409 {
            return page.redirect("/clinic?refused=visit_closed")
        }
        if let patient = parties.patient { await page.audit("start-visit", patient: patient, status: 200) }
        return page.redirect("/clinic/visits/appointment/\(id)")
    }

    // MARK: - Finding a patient

    func find(_ page: PageRequest) async throws -> Response {
        _ = try Self.clinician(page)
        var data: [String: Any] = [:]
        guard let query = page.query("q")?.trimmingCharacters(in: .whitespacesAndNewlines), !query.isEmpty else {
            return page.render("clinic-patients", title: page.t("patients_title"), data)
        }
        data["q"] = query
        let byIIN = query.count == 12 && query.allSatisfy(\.isNumber)
        if !byIIN && query.allSatisfy(\.isNumber) {
            data["error"] = page.t("patients_iin_digits")
            return page.render("clinic-patients", title: page.t("patients_title"), status: 400, data)
        }
        let parameters: [(String, String)] = byIIN
            ? [("identifier", "\(IIN.system)|\(query)")]
            : query.split(whereSeparator: \.isWhitespace).prefix(4).map { ("name", String($0)) }
        let repository = app.repository
        let bundle = try await page.withRecordAccess("search") {
            try await repository.search(type: "Patient", parameters: parameters + [("_count", "30")], baseURL: "")
        }
        let rows = (bundle["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }.map { Self.patientRow($0, page) }
            .sorted { ($0["name"] as? String ?? "") < ($1["name"] as? String ?? "") }
        data["patients"] = rows
        data["has_patients"] = !rows.isEmpty
        data["none"] = rows.isEmpty ? page.t(byIIN ? "patients_none_iin" : "patients_none") : nil
        return page.render("clinic-patients", title: page.t("patients_title"), data)
    }
}

extension PageRequest {
    /// An audit entry for a page's action on one patient's record outside `withRecordAccess` (a service write).
    func audit(_ action: String, patient: String, status: Int) async {
        guard let principal else { return }
        app.audit?.record(AuditEntry(recorded: Instant.now().iso, actor: principal.sub.value, role: principal.role, organization: principal.org,
                                           patient: patient, action: action, target: request.uri.path, outcome: status))
    }
}
