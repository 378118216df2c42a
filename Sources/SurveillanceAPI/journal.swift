import FHIRJSON
import FHIRServer
import FHIRStore
import KazakhstanRegions
import Surveillance

/// `GET Condition/$journal` — the journal of infectious and parasitic diseases: `region` (KATO or name),
/// `organization`, `disease` (ICD-10 category), `from`/`to` (onset dates), `status` (repeating; default suspected
/// and confirmed), `_count`. An epidemiologist sees their region, an organisation its own notifications.
/// `GET Condition/$case-counts` — the counts: the same filters plus `period` (day | week) and `level`
/// (region | district); no person in the answer, so analysts may read it too.
enum JournalOperations {
    static func make(_ counts: CaseCounts) -> [FHIROperation] {
        let journal = FHIROperation(name: "journal", level: .type("Condition"), affectsState: false,
                                    documentation: "Journal of infectious and parasitic diseases: region, organization, disease, from, to, status") { call in
            let filter = try Self.filter(call.parameters, view: try SurveillanceCallers.journalView(call.principal))
            let limit = try call.parameters.integer("limit") ?? 500
            let rows = try await counts.journal(filter, limit: limit)
            return .parameters(rows.map { r in
                var parts: [JSON] = [
                    part("case", ["valueReference": ["reference": .string("Condition/\(r.condition)")]]),
                    part("patient", ["valueReference": ["reference": .string("Patient/\(r.patient)")]]),
                    part("disease", ["valueCode": .string(r.disease)]), part("code", ["valueCode": .string(r.code)]),
                    part("region", ["valueCode": .string(r.region)]),
                    part("organization", ["valueReference": ["reference": .string("Organization/\(r.organization)")]]),
                    part("onset", ["valueDate": .string(r.onset)]), part("diagnosed", ["valueDate": .string(r.diagnosed)]),
                    part("status", ["valueCode": .string(r.status.rawValue)]), part("laboratory", ["valueBoolean": .bool(r.laboratory)]),
                    part("notifications", ["valueInteger": .number(String(r.notifications))]),
                    part("received", ["valueInstant": .string(r.received)]),
                ]
                if let d = r.district { parts.append(part("district", ["valueCode": .string(d)])) }
                if let s = r.settlement { parts.append(part("settlement", ["valueCode": .string(s)])) }
                return (name: "case", value: ["part": .array(parts)])
            })
        }
        let caseCounts = FHIROperation(name: "case-counts", level: .type("Condition"), affectsState: false,
                                       documentation: "Cases by disease, region or district and day or ISO week, with rates per 100,000") { call in
            let filter = try Self.filter(call.parameters, view: try SurveillanceCallers.countsView(call.principal))
            let periodText = try call.parameters.string("period") ?? "week"
            guard let period = CaseCounts.Period(rawValue: periodText) else {
                throw FHIRError(400, "code-invalid", "period must be day or week, not '\(periodText)'", expression: "period")
            }
            let levelText = try call.parameters.string("level") ?? "region"
            guard let level = CaseCounts.Level(rawValue: levelText) else {
                throw FHIRError(400, "code-invalid", "level must be region or district, not '\(levelText)'", expression: "level")
            }
            let cells = try await counts.counts(filter, period: period, level: level)
            return .parameters(cells.map { c in
                var parts: [JSON] = [
                    part("disease", ["valueCode": .string(c.disease)]), part("place", ["valueCode": .string(c.place)]),
                    part("period", ["valueString": .string(c.period)]), part("cases", ["valueInteger": .number(String(c.cases))]),
                ]
                if let p = c.population { parts.append(part("population", ["valueInteger": .number(String(p))])) }
                if let rate = c.rate { parts.append(part("rate", ["valueDecimal": .number(String(format: "%.4f", rate))])) }
                return (name: "count", value: ["part": .array(parts)])
            })
        }
        return [journal, caseCounts]
    }

    static func part(_ name: String, _ value: [String: JSON]) -> JSON {
        var o = JSONObject()
        o["name"] = .string(name)
        for (k, v) in value { o[k] = v }
        return .object(o)
    }

    /// The filter from the parameters, narrowed to what the caller may see (asking for another region is a 403,
    /// not an empty answer, so that a mistake is visible).
    static func filter(_ p: OperationParameters, view: SurveillanceCallers.View) throws(FHIRError) -> CaseCounts.Filter {
        var filter = CaseCounts.Filter()
        if let region = try p.string("region") {
            guard let r = Regions.find(region) else { throw FHIRError(400, "invalid", "'\(region)' is not a region of Kazakhstan (KATO code or name)", expression: "region") }
            filter.region = r.kato
        }
        filter.organization = try p.reference("organization", type: "Organization")
        filter.disease = try p.string("disease")?.uppercased()
        for (name, keyPath) in [("from", \CaseCounts.Filter.from), ("to", \CaseCounts.Filter.to)] {
            if let d = try p.string(name) {
                guard CaseCalendar.dayNumber(d) != nil, d.count == 10 else { throw FHIRError(400, "invalid", "\(name) must be a date (YYYY-MM-DD), not '\(d)'", expression: name) }
                filter[keyPath: keyPath] = d
            }
        }
        let statuses = try p.strings("status")
        if !statuses.isEmpty {
            var set = Set<CaseStatus>()
            for s in statuses {
                guard let status = CaseStatus(rawValue: s) else { throw FHIRError(400, "code-invalid", "status must be suspected, confirmed or discarded, not '\(s)'", expression: "status") }
                set.insert(status)
            }
            filter.statuses = set
        }
        switch view {
        case .everything: break
        case .region(let region):
            if let asked = filter.region, asked != region { throw FHIRError(403, "forbidden", "An epidemiologist sees the cases of their own region only") }
            filter.region = region
        case .organization(let org):
            if let asked = filter.organization, asked != org { throw FHIRError(403, "forbidden", "An organisation sees its own notifications only") }
            filter.organization = org
        }
        return filter
    }
}
