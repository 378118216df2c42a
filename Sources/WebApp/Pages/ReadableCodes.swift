import FHIRJSON
import PrimaryCare

extension PageRequest {
    /// The platform's own codes in the page's language: vital signs recorded by `VisitRecordService` (LOINC, UCUM)
    /// and the kind of a visit (the Encounter's class); other codes as their display says.
    func readable(_ row: [String: Any], _ r: JSON) -> [String: Any] {
        var row = row
        switch r["resourceType"]?.stringValue {
        case "Observation":
            let loinc = (r["code"]?["coding"]?.arrayValue ?? []).first { $0["system"]?.stringValue == "http://loinc.org" }?["code"]?.stringValue
            if loinc == "85354-9" {
                row["what"] = t("vital_blood_pressure")
                row["detail"] = (row["detail"] as? String ?? "").replacingOccurrences(of: "mm[Hg]", with: t("unit_systolic"))
            } else if let kind = VisitRecordService.Measurement.Kind.allCases.first(where: { $0.loinc.code == loinc }) {
                row["what"] = t("vital_" + kind.rawValue)
                let value = r["valueQuantity"]?["value"]?.doubleValue
                row["detail"] = value.map { "\(language.number($0, fractionDigits: $0 == $0.rounded() ? 0 : 1)) \(t("unit_" + kind.rawValue))" } ?? row["detail"]
            }
        case "Encounter":
            if r["type"] == nil, let code = r["class"]?["code"]?.stringValue { row["what"] = t("encounter_class_" + code) }
        default: break
        }
        return row
    }

}
