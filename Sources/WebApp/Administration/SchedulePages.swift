import FHIRJSON
import FHIRStore
import Foundation
import Hummingbird
import PrimaryCare
import Surveillance

/// Doctors' schedules (seed 002, process 1.27): the administrator builds a schedule from days and hours, approves
/// it and publishes it; only a published schedule's free slots can be booked. The form is checked here with
/// messages in the page's language; `ScheduleService` keeps its own rules (no overlap with another schedule of the
/// same doctor, at most `maxSlots`).
struct SchedulePages: Sendable {
    let app: WebApp

    static let weekdays = 1...7

    func list(_ page: PageRequest, form: [String: String], errors: [String], status: Int = 200) async throws -> Response {
        let organization = try AdministrationPages.organization(page)
        let staff = try await AdministrationPages(app: app).staffMembers(organization).filter(\.active)
        let repository = app.repository
        let schedules = try await repository.serviceTransaction { tx in
            var out: [(role: AdministrationPages.StaffMember, schedule: StoredResource, slots: Int, free: Int)] = []
            for member in staff {
                for s in try await tx.resources("Schedule", matching: "actor=PractitionerRole/\(member.role)&_count=50") {
                    let slots = try await tx.ids("Slot", matching: "schedule=Schedule/\(s.id)").count
                    let free = try await tx.ids("Slot", matching: "schedule=Schedule/\(s.id)&status=free").count
                    out.append((member, s, slots, free))
                }
            }
            return out
        }
        let chosenRole = form["role"] ?? page.query("role")
        let today = Instant.now().dateInKazakhstan
        let defaultFrom = CaseCalendar.dayNumber(today).map { CaseCalendar.date($0 + 1) } ?? today
        let defaultTo = CaseCalendar.dayNumber(today).map { CaseCalendar.date($0 + 14) } ?? today
        let checkedDays = form.isEmpty ? Set(1...5) : Set(Self.weekdays.filter { form["day\($0)"] == "on" })
        var data: [String: Any] = [
            "schedules": schedules.sorted { ($0.role.name, $0.schedule.json["planningHorizon"]?["start"]?.stringValue ?? "") < ($1.role.name, $1.schedule.json["planningHorizon"]?["start"]?.stringValue ?? "") }
                .map { item -> [String: Any] in
                    let state = ScheduleService.state(item.schedule.json)
                    let horizon = item.schedule.json["planningHorizon"]
                    return ["id": item.schedule.id, "doctor": item.role.name, "area": item.role.areaName,
                            "from": page.language.date(horizon?["start"]?.stringValue ?? ""), "to": page.language.date(horizon?["end"]?.stringValue ?? ""),
                            "state": page.t("schedule_" + state.rawValue), "slots": item.slots, "free": item.free,
                            "can_approve": state == .draft, "can_publish": state == .approved]
                },
            "roles": staff.map { ["id": $0.role, "name": $0.name + ($0.areaName.isEmpty ? "" : " — " + $0.areaName), "selected": $0.role == chosenRole] },
            "from": form["from"] ?? defaultFrom, "to": form["to"] ?? defaultTo,
            "start": form["start"] ?? "09:00", "end": form["end"] ?? "13:00", "minutes": form["minutes"] ?? "15",
            "remote": form.isEmpty ? true : form["remote"] == "on",
            "days": Self.weekdays.map { ["n": $0, "label": page.t("weekday_\($0)"), "checked": checkedDays.contains($0)] },
            "errors": errors, "has_errors": !errors.isEmpty,
        ]
        data["has_schedules"] = !((data["schedules"] as? [Any]) ?? []).isEmpty
        if let done = page.query("done") { data["notice"] = page.t("done_" + done) }
        if let refused = page.query("refused") { data["error"] = page.t("refused_" + refused) }
        return page.render("admin-schedules", title: page.t("schedules_title"), status: status, data)
    }

    func build(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        let organization = try AdministrationPages.organization(page)
        var errors: [String] = []
        let role = form["role"] ?? ""
        let staff = try await AdministrationPages(app: app).staffMembers(organization)
        if !staff.contains(where: { $0.role == role && $0.active }) { errors.append(page.t("schedule_choose_doctor")) }
        let from = form["from"] ?? "", to = form["to"] ?? ""
        let first = CaseCalendar.dayNumber(from), last = CaseCalendar.dayNumber(to)
        if first == nil { errors.append(page.t("schedule_bad_date", ["field": page.t("schedule_from")])) }
        if last == nil { errors.append(page.t("schedule_bad_date", ["field": page.t("schedule_to")])) }
        if let first, let last {
            if last < first { errors.append(page.t("schedule_dates_order")) }
            else if last - first > 92 { errors.append(page.t("schedule_too_long")) }
            if let today = CaseCalendar.dayNumber(Instant.now().dateInKazakhstan), first < today { errors.append(page.t("schedule_in_past")) }
        }
        let start = ScheduleService.minutes(form["start"] ?? ""), end = ScheduleService.minutes(form["end"] ?? "")
        if start == nil || end == nil { errors.append(page.t("schedule_bad_hours")) }
        else if let start, let end, end <= start { errors.append(page.t("schedule_hours_order")) }
        let minutes = Int(form["minutes"] ?? "")
        if minutes.map({ !(5...120).contains($0) }) ?? true { errors.append(page.t("schedule_bad_minutes")) }
        let days = Set(Self.weekdays.filter { form["day\($0)"] == "on" })
        if days.isEmpty { errors.append(page.t("schedule_no_days")) }
        guard errors.isEmpty, let minutes else { return try await list(page, form: form, errors: errors, status: 422) }
        var plan = ScheduleService.Plan(practitionerRole: role, from: from, to: to)
        plan.weekdays = days
        plan.start = form["start"] ?? plan.start
        plan.end = form["end"] ?? plan.end
        plan.minutes = minutes
        plan.remote = form["remote"] == "on"
        do {
            _ = try await ScheduleService(repository: app.repository).build(plan)
        } catch let error as FHIRError where error.status == 409 {
            return try await list(page, form: form, errors: [page.t("schedule_overlap")], status: 409)
        } catch let error as FHIRError where error.status == 400 || error.status == 422 {
            return try await list(page, form: form, errors: [page.t("schedule_refused")] + error.issues.map(\.diagnostics), status: 422)
        }
        return page.redirect("/admin/schedules?done=schedule_built")
    }

    func advance(_ page: PageRequest, schedule id: String, step: String) async throws -> Response {
        _ = try await page.form()
        let organization = try AdministrationPages.organization(page)
        let state: ScheduleService.State
        switch step {
        case "approve": state = .approved
        case "publish": state = .published
        default: throw PageRefusal(status: 404, messageKey: "not_found")
        }
        let service = ScheduleService(repository: app.repository)
        let owner: String
        do { owner = try await service.organization(ofSchedule: id) } catch let error as FHIRError where error.status == 404 || error.status == 422 {
            throw PageRefusal(status: 404, messageKey: "not_found")
        }
        guard owner == organization else { throw PageRefusal(status: 403, messageKey: "forbidden") }
        do {
            try await service.advance(schedule: id, to: state)
        } catch let error as FHIRError where error.status == 409 {
            return page.redirect("/admin/schedules?refused=schedule_state")
        }
        return page.redirect("/admin/schedules?done=schedule_\(state.rawValue)")
    }
}
