import Audit
import FHIRJSON
import FHIRStore
import Foundation
import Hummingbird
import Identity
import KazakhstanRegions
import Surveillance

/// The epidemiologist's pages (seed 002, process 5.2; seed 000, the case registry): the dashboard of open outbreak
/// alarms of their region with the series charts, the alarm's task (take, close, mark as false), detection on
/// demand, and the entry of a notification received on paper.
struct EpidemiologyPages: Sendable {
    let app: WebApp

    static let roles: Set<Role> = [.epidemiologist, .systemAdmin]

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let pages = self, app = self.app
        router.get("/surveillance") { request, _ in await app.handle(request) { page in try await pages.dashboard(page) } }
        router.get("/surveillance/journal") { request, _ in await app.handle(request) { page in try await pages.journal(page) } }
        router.get("/surveillance/series") { request, _ in await app.handle(request) { page in try await pages.series(page) } }
        router.post("/surveillance/scan") { request, _ in await app.handle(request) { page in try await pages.scan(page) } }
        router.post("/surveillance/tasks/:id") { request, context in await app.handle(request, context) { page in try await pages.changeTask(page, id: page.parameter("id")) } }
        router.get("/surveillance/notify") { request, _ in await app.handle(request) { page in try pages.notifyForm(page, values: [:], problems: []) } }
        router.post("/surveillance/notify") { request, _ in await app.handle(request) { page in try await pages.notify(page) } }
    }

    /// The region the page is about: an epidemiologist's own; a system administrator chooses (default Astana).
    func region(_ page: PageRequest, _ principal: AccessToken) throws -> Region {
        if principal.accountRole == .epidemiologist {
            guard let name = principal.region, let region = Regions.find(name) else { throw PageRefusal(status: 403, messageKey: "forbidden") }
            return region
        }
        return page.query("region").flatMap(Regions.find) ?? Regions.all[0]
    }

    func regionName(_ region: Region, _ language: Language) -> String {
        switch language {
        case .ru: region.nameRu
        case .kk: region.nameKk
        case .en: region.nameEn
        }
    }

    func diseaseName(_ code: String, _ page: PageRequest) -> String {
        let key = "disease_" + code
        let name = page.t(key)
        return name == key ? code : "\(code) \(name)"
    }

    // MARK: - Dashboard

    func dashboard(_ page: PageRequest) async throws -> Response {
        let principal = try page.require(Self.roles)
        let region = try region(page, principal)
        let journal = SignalJournal(repository: app.repository)
        let alarms = try await journal.signals(.init(region: region.kato, alarmsOnly: true), limit: 500)
        // Open tasks of the region, each with its alarms.
        var taskIds: [String] = []
        for alarm in alarms { if let task = alarm.task, !taskIds.contains(task) { taskIds.append(task) } }
        let wanted = taskIds
        // A plain read (no row locks): the page changes nothing.
        let tasks = wanted.isEmpty ? [:] : try await app.repository.serviceTransaction { tx in
            Dictionary(try await tx.resources("Task", matching: "_id=\(wanted.joined(separator: ","))&_count=\(wanted.count)").map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        }
        var open: [[String: Any]] = []
        var chartDiseases: [String] = []
        for id in taskIds {
            guard let task = tasks[id], let status = task.json["status"]?.stringValue,
                  ["requested", "received", "accepted", "ready", "in-progress", "on-hold"].contains(status) else { continue }
            let own = alarms.filter { $0.task == id }
            guard let disease = own.first?.disease else { continue }
            if !chartDiseases.contains(disease) { chartDiseases.append(disease) }
            open.append([
                "id": id, "disease": diseaseName(disease, page), "status": page.t("status_" + status),
                "series_href": "/surveillance/series?disease=\(disease)&region=\(region.kato)",
                "can_take": status == "requested",
                "alarms": own.map { signalRow($0, page) },
            ])
        }
        let latest = try await journal.signals(.init(region: region.kato), limit: 30)
        for s in latest where !chartDiseases.contains(s.disease) && chartDiseases.count < 4 { chartDiseases.append(s.disease) }
        let today = Instant.now().dateInKazakhstan
        var charts: [[String: Any]] = []
        for disease in chartDiseases {
            let points = try await journal.weeklySeries(disease: disease, region: region.kato, weeks: 52, until: today)
            charts.append(["title": diseaseName(disease, page), "svg": chart(points, title: diseaseName(disease, page), page),
                           "series_href": "/surveillance/series?disease=\(disease)&region=\(region.kato)"])
        }
        var data: [String: Any] = [
            "region": regionName(region, page.language), "open": open, "no_open": open.isEmpty,
            "latest": latest.map { signalRow($0, page) }, "no_signals": latest.isEmpty, "charts": charts,
            "regions": principal.accountRole == .systemAdmin
                ? Regions.all.map { ["kato": $0.kato, "name": regionName($0, page.language), "selected": $0.kato == region.kato] } : [],
            "region_kato": region.kato, "has_regions": principal.accountRole == .systemAdmin,
            "has_charts": !charts.isEmpty, "has_latest": !latest.isEmpty,
        ]
        if page.query("done") == "scan" {
            data["notice"] = page.t("scan_done", ["alarms": page.query("alarms") ?? "0", "tasks": page.query("tasks") ?? "0"])
        } else if page.query("done") == "task" {
            data["notice"] = page.t("task_updated")
        }
        return page.render("surveillance", title: page.t("surveillance_title"), data)
    }

    func signalRow(_ s: Signal, _ page: PageRequest) -> [String: Any] {
        [
            "disease": diseaseName(s.disease, page), "period": s.algorithm.isWeekly ? s.period : page.language.date(s.period),
            "algorithm": page.t("algorithm_" + s.algorithm.rawValue), "observed": page.language.number(Double(s.observed)),
            "expected": s.expected.map { page.language.number($0, fractionDigits: 1) } ?? "—",
            "upperbound": s.upperbound.map { page.language.number($0, fractionDigits: 1) } ?? "—",
            "alarm": s.alarm, "alarm_text": page.t(s.alarm ? "yes" : "no"),
        ]
    }

    func chart(_ points: [SignalJournal.WeekPoint], title: String, _ page: PageRequest) -> String {
        SeriesChart(points: points, title: title + " — " + page.t("weekly_series"), casesLabel: page.t("chart_cases"),
                    thresholdLabel: page.t("chart_threshold"), alarmLabel: page.t("chart_alarm")).svg()
    }

    // MARK: - Series

    func series(_ page: PageRequest) async throws -> Response {
        let principal = try page.require(Self.roles)
        let region = try region(page, principal)
        if principal.accountRole == .epidemiologist, let asked = page.query("region"), Regions.find(asked)?.kato != region.kato {
            throw PageRefusal(status: 403, messageKey: "forbidden")
        }
        guard let disease = page.query("disease")?.uppercased(), disease.count == 3 else { throw PageRefusal(status: 404, messageKey: "not_found") }
        let weeks = min(max(Int(page.query("weeks") ?? "") ?? 104, 8), 520)
        let points = try await SignalJournal(repository: app.repository).weeklySeries(disease: disease, region: region.kato, weeks: weeks,
                                                                                      until: Instant.now().dateInKazakhstan)
        let rows = points.reversed().map { p -> [String: Any] in
            ["week": p.week, "cases": page.language.number(Double(p.cases)),
             "expected": p.expected.map { page.language.number($0, fractionDigits: 1) } ?? "—",
             "upperbound": p.upperbound.map { page.language.number($0, fractionDigits: 1) } ?? "—",
             "alarm": p.alarm]
        }
        let name = diseaseName(disease, page)
        return page.render("surveillance-series", title: name, ["disease": name, "region": regionName(region, page.language),
                                                                 "svg": chart(points, title: name, page), "rows": rows])
    }

    // MARK: - Actions

    func scan(_ page: PageRequest) async throws -> Response {
        let principal = try page.require(Self.roles)
        _ = try await page.form()
        let region = try region(page, principal)
        let summary = try await OutbreakScan(repository: app.repository).run()
        return page.redirect("/surveillance?done=scan&alarms=\(summary.alarms)&tasks=\(summary.tasksCreated)"
                             + (principal.accountRole == .systemAdmin ? "&region=\(region.kato)" : ""))
    }

    /// Takes the task, closes it as investigated, or rejects it as a false alarm — only a task of one's own region.
    func changeTask(_ page: PageRequest, id: String) async throws -> Response {
        let principal = try page.require(Self.roles)
        let form = try await page.form()
        guard let status = form["status"], ["in-progress", "completed", "rejected"].contains(status) else {
            throw PageRefusal(status: 400, messageKey: "form_expired")
        }
        let region = try region(page, principal)
        let now = Instant.now().iso
        try await app.repository.serviceTransaction { tx in
            guard let task = try await tx.readForUpdate("Task", [id])[id], case .object(var o) = task.json,
                  o["code"]?["coding"]?[0]?["code"]?.stringValue == "outbreak-signal" else { throw PageRefusal(status: 404, messageKey: "not_found") }
            let taskRegion = o["extension"]?.arrayValue?.first { $0["url"]?.stringValue == CaseNotification.katoExtension }?["valueCode"]?.stringValue
            guard principal.accountRole == .systemAdmin || taskRegion == region.kato else { throw PageRefusal(status: 403, messageKey: "forbidden") }
            o["status"] = .string(status)
            o["lastModified"] = .string(now)
            o["owner"] = ["display": .string(principal.sub.value)]
            _ = try await tx.update("Task", id, .object(o))
        }
        return page.redirect("/surveillance?done=task" + (principal.accountRole == .systemAdmin ? "&region=\(region.kato)" : ""))
    }
}
