import FHIRJSON
import FHIRStore
import Foundation
import Hummingbird
import Identity
import PrimaryCare

/// The organisation administrator's pages (seed 002, processes 1.1 and 1.27): the staff and their areas, the
/// catchment areas with their capacity and load, the doctors' schedules (build, approve, publish) and the
/// register of attachments with attaching a person on a written application — through the same services as the
/// FHIR operations, for the administrator's own organisation only.
struct AdministrationPages: Sendable {
    let app: WebApp

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let pages = self, app = self.app
        router.get("/admin") { request, _ in await app.handle(request) { page in page.redirect("/admin/staff") } }
        router.get("/admin/staff") { request, _ in await app.handle(request) { page in try await pages.staff(page) } }
        router.get("/admin/areas") { request, _ in await app.handle(request) { page in try await pages.areas(page) } }
        router.post("/admin/areas/:id/capacity") { request, context in await app.handle(request, context) { page in try await pages.setCapacity(page, area: page.parameter("id")) } }
        router.get("/admin/schedules") { request, _ in await app.handle(request) { page in try await SchedulePages(app: app).list(page, form: [:], errors: []) } }
        router.post("/admin/schedules") { request, _ in await app.handle(request) { page in try await SchedulePages(app: app).build(page) } }
        router.post("/admin/schedules/:id/:step") { request, context in await app.handle(request, context) { page in try await SchedulePages(app: app).advance(page, schedule: page.parameter("id"), step: page.parameter("step")) } }
        router.get("/admin/attachments") { request, _ in await app.handle(request) { page in try await pages.attachments(page) } }
        router.post("/admin/attachments") { request, _ in await app.handle(request) { page in try await pages.attach(page) } }
    }

    /// The signed-in administrator's organisation.
    static func organization(_ page: PageRequest) throws -> String {
        let token = try page.require([.organizationAdmin])
        guard let org = token.org else { throw PageRefusal(status: 403, messageKey: "forbidden") }
        return org
    }

    /// The organisation's practitioner roles with their practitioner and area.
    struct StaffMember: Sendable {
        var role: String
        var name: String
        var specialty: String
        var area: String?
        var areaName: String
        var active: Bool
    }

    func staffMembers(_ organization: String) async throws -> [StaffMember] {
        try await app.repository.serviceTransaction { tx in
            let roles = try await tx.resources("PractitionerRole", matching: "organization=Organization/\(organization)&_count=1000")
            // Practitioners and areas in one query each, not one per role.
            func byId(_ type: String, _ ids: [String?]) async throws -> [String: JSON] {
                let wanted = Set(ids.compactMap { $0 })
                guard !wanted.isEmpty else { return [:] }
                return Dictionary(try await tx.resources(type, matching: "_id=\(wanted.sorted().joined(separator: ","))&_count=\(wanted.count)").map { ($0.id, $0.json) },
                                  uniquingKeysWith: { a, _ in a })
            }
            let practitioners = try await byId("Practitioner", roles.map { Attachment.id($0.json["practitioner"]?["reference"]?.stringValue, "Practitioner") })
            let areas = try await byId("Location", roles.map { Attachment.id($0.json["location"]?[0]?["reference"]?.stringValue, "Location") })
            return roles.map { role -> StaffMember in
                let practitioner = Attachment.id(role.json["practitioner"]?["reference"]?.stringValue, "Practitioner").flatMap { practitioners[$0] }
                let area = Attachment.id(role.json["location"]?[0]?["reference"]?.stringValue, "Location")
                return StaffMember(role: role.id, name: practitioner.map(DisplayName.person) ?? role.id,
                                   specialty: CitizenPages.coded(role.json["specialty"]?[0] ?? role.json["code"]?[0]),
                                   area: area, areaName: area.flatMap { areas[$0]?["name"]?.stringValue } ?? "", active: role.json["active"]?.boolValue ?? true)
            }.sorted { ($0.name, $0.role) < ($1.name, $1.role) }
        }
    }

    func staff(_ page: PageRequest) async throws -> Response {
        let organization = try Self.organization(page)
        let members = try await staffMembers(organization)
        let rows = members.map { m -> [String: Any] in
            ["role": m.role, "name": m.name, "specialty": m.specialty, "area": m.areaName, "active": m.active]
        }
        return page.render("admin-staff", title: page.t("staff_title"), ["staff": rows, "has_staff": !rows.isEmpty, "count": rows.count])
    }

    func areas(_ page: PageRequest) async throws -> Response {
        let organization = try Self.organization(page)
        let areas = try await CatchmentAreas(repository: app.repository).list(organization: organization)
        var data: [String: Any] = [
            "areas": areas.map { a -> [String: Any] in
                ["id": a.id, "name": a.name, "type": page.t("area_type_" + a.type), "capacity": a.capacity, "attached": page.language.number(Double(a.attached)),
                 "room": page.language.number(Double(max(0, a.capacity - a.attached))), "full": a.attached >= a.capacity,
                 "load": a.capacity > 0 ? Int((Double(a.attached) / Double(a.capacity) * 100).rounded()) : 100]
            },
            "has_areas": !areas.isEmpty,
            "total_capacity": page.language.number(Double(areas.reduce(0) { $0 + $1.capacity })),
            "total_attached": page.language.number(Double(areas.reduce(0) { $0 + $1.attached })),
        ]
        if let done = page.query("done") { data["notice"] = page.t("done_" + done) }
        if let refused = page.query("refused") {
            data["error"] = page.t("refused_" + refused, ["attached": page.query("attached") ?? "", "max": page.language.number(Double(CatchmentAreas.maximumCapacity))])
        }
        return page.render("admin-areas", title: page.t("areas_title"), data)
    }

    func setCapacity(_ page: PageRequest, area: String) async throws -> Response {
        let form = try await page.form()
        let organization = try Self.organization(page)
        guard let capacity = form["capacity"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) else {
            return page.redirect("/admin/areas?refused=capacity_number")
        }
        do {
            try await CatchmentAreas(repository: app.repository).setCapacity(area: area, organization: organization, capacity: capacity)
        } catch let error as FHIRError where error.status == 404 {
            throw PageRefusal(status: 404, messageKey: "not_found")
        } catch let error as FHIRError where error.status == 422 {
            if capacity < 0 || capacity > CatchmentAreas.maximumCapacity { return page.redirect("/admin/areas?refused=capacity_range") }
            let attached = try await CatchmentAreas(repository: app.repository).list(organization: organization).first { $0.id == area }?.attached ?? 0
            return page.redirect("/admin/areas?refused=capacity_below&attached=\(attached)")
        }
        return page.redirect("/admin/areas?done=capacity")
    }

    // MARK: - Attachments

    func attachments(_ page: PageRequest) async throws -> Response {
        let organization = try Self.organization(page)
        let service = AttachmentService(repository: app.repository)
        let history = try await service.history(organization: organization, limit: 50)
        let areas = Dictionary(try await CatchmentAreas(repository: app.repository).list(organization: organization).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        // The register is the organisation's own list of the people it serves (РПН): reading it is not a look into
        // anyone's health record, so it is not written into each person's access log (attaching someone is).
        var data: [String: Any] = [
            "entries": history.map { e -> [String: Any] in
                ["name": e.name, "iin": e.iin ?? "", "area": e.area.flatMap { areas[$0] } ?? "", "since": page.language.date(e.since),
                 "until": e.until.map { page.language.date($0) } ?? "", "active": e.until == nil,
                 "reason": e.reason.map { page.t("attach_reason_" + $0) } ?? ""]
            },
            "has_entries": !history.isEmpty,
            "reasons": AttachmentService.Reason.requestable.map { ["code": $0.rawValue, "label": page.t("attach_reason_" + $0.rawValue)] },
            "areas": areas.sorted { $0.value < $1.value }.map { ["id": $0.key, "name": $0.value] },
        ]
        if let done = page.query("done") { data["notice"] = page.t("done_" + done, ["name": page.query("name") ?? ""]) }
        if let refused = page.query("refused") { data["error"] = page.t("refused_" + refused) }
        return page.render("admin-attachments", title: page.t("attachments_title"), data)
    }

    func attach(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        let organization = try Self.organization(page)
        let iin = (form["iin"] ?? "").trimmingCharacters(in: .whitespaces)
        guard iin.count == 12, iin.allSatisfy(\.isNumber) else { return page.redirect("/admin/attachments?refused=iin_digits") }
        let reason = form["reason"].flatMap(AttachmentService.Reason.init(rawValue:)) ?? .choice
        guard AttachmentService.Reason.requestable.contains(reason) else { throw PageRefusal(status: 400, messageKey: "form_expired") }
        let area = form["area"].flatMap { $0.isEmpty ? nil : $0 }
        let service = AttachmentService(repository: app.repository)
        guard let patient = try await service.patient(iin: iin) else { return page.redirect("/admin/attachments?refused=unknown_iin") }
        do {
            try await service.attach(patient: patient, organization: organization, area: area, reason: reason)
        } catch let error as FHIRError where error.status == 409 || error.status == 422 {
            let key = error.issues.contains { $0.expression == "reason" } ? "attach_year"
                : error.issues.contains { $0.expression == "area" } ? "attach_area" : error.status == 409 ? "admin_attach_full" : "attach_rule"
            return page.redirect("/admin/attachments?refused=\(key)")
        }
        await page.audit("attach", patient: patient, status: 200)
        return page.redirect("/admin/attachments?done=attached_person")
    }
}

