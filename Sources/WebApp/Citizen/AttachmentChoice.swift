import FHIRStore
import Foundation
import Hummingbird
import PrimaryCare

/// Changing the attachment from the cabinet (seed 002, process 1.1, free choice): the organisations of the
/// person's region with room for their age, nearest first; the choice goes through `AttachmentService.attach`,
/// whose rules (room, once a year by free choice) decide.
extension CitizenPages {
    func attachChoices(_ page: PageRequest) async throws -> Response {
        let (all, person) = try await people(page)
        var data = peopleData(page, all, person, path: "/me/attach")
        let choices = try await AttachmentService(repository: app.repository).choices(patient: person.id, limit: 15)
        data["choices"] = choices.map { c -> [String: Any] in
            ["id": c.organization, "name": c.name, "current": c.current, "room": page.language.number(Double(c.room)),
             "distance": c.kilometres.map { page.t("attach_km", ["km": page.language.number($0, fractionDigits: 1)]) } ?? ""]
        }
        data["has_choices"] = !choices.isEmpty
        return page.render("me-attach", title: page.t("attach_title"), data)
    }

    func attach(_ page: PageRequest) async throws -> Response {
        let form = try await page.form()
        let (_, person) = try await people(page.with(formPatient: form["patient"]))
        guard let organization = form["organization"], !organization.isEmpty else { throw PageRefusal(status: 400, messageKey: "form_expired") }
        do {
            try await AttachmentService(repository: app.repository).attach(patient: person.id, organization: organization, reason: .choice)
            return page.redirect("/me?patient=\(person.id)&done=attached")
        } catch let error as FHIRError where error.status == 409 || error.status == 422 {
            let yearly = error.issues.contains { $0.expression == "reason" }
            return page.redirect("/me?patient=\(person.id)&refused=\(yearly ? "attach_year" : "attach_full")")
        }
    }
}
