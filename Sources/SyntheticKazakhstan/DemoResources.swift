import FHIRJSON
import FHIRValidation
import Foundation

/// The FHIR shape of each synthetic record (profiles in `docs/profiles.md`).
extension String {
    /// A hash that is the same in every run (Swift's `hashValue` is seeded per process).
    var hashValueStable: Int { utf8.reduce(5381) { ($0 &* 33) &+ Int($1) } }
}

extension DemoCountry {
    static func decimal(_ x: Double) -> JSON { .number(String(format: "%.5f", x)) }

    static func address(region: Region, settlement: Settlement, latitude: Double, longitude: Double) -> JSON {
        ["use": "home", "city": .string(settlement.name), "state": .string(region.nameRu), "country": "KZ",
         "extension": [
            ["url": .string(katoExtension), "valueCode": .string(settlement.kato)],
            ["url": .string(geolocationExtension), "extension": [
                ["url": "latitude", "valueDecimal": decimal(latitude)], ["url": "longitude", "valueDecimal": decimal(longitude)]]],
         ]]
    }

    static func coding(_ system: String, _ code: String, _ display: String? = nil) -> JSON {
        var c: JSON = ["system": .string(system), "code": .string(code)]
        if let display, case .object(var o) = c { o["display"] = .string(display); c = .object(o) }
        return c
    }

    func organization(id: String, name: String, type: String, ownership: String, region: Region, settlement: Settlement,
                      latitude: Double, longitude: Double, rng: inout RandomSource) -> JSON {
        let bin = String(format: "%06d%06d", 100_000 + rng.int(900_000), rng.int(1_000_000))
        var org: JSON = ["resourceType": "Organization", "id": .string(id), "active": true,
                "identifier": [["system": .string(Self.binSystem), "value": .string(bin)],
                               ["system": .string(Self.licenceSystem), "value": .string("KZ\(String(format: "%08d", rng.int(100_000_000)))LAA")]],
                "type": [["coding": [Self.coding(Self.organizationTypeSystem, type)]], ["coding": [Self.coding(Self.ownershipSystem, ownership)]]],
                "name": .string(name),
                "address": [Self.address(region: region, settlement: settlement, latitude: latitude, longitude: longitude)]]
        // Primary care runs remote consultations on a video server it configures (here a placeholder).
        if type == "phc", case .object(var o) = org {
            o["extension"] = [["url": .string(Self.videoServerExtension), "valueUrl": .string("https://video.example.kz/\(id)")]]
            org = .object(o)
        }
        return org
    }

    /// A catchment area; `position` is its centre (where home visits are measured from).
    func areaLocation(_ area: Area, number: Int, organizationId: String, latitude: Double, longitude: Double) -> JSON {
        ["resourceType": "Location", "id": .string(area.id), "status": "active", "mode": "instance",
         "position": ["latitude": Self.decimal(latitude), "longitude": Self.decimal(longitude)],
         "name": .string("Участок №\(number) (\(area.type.nameRu))"),
         "type": [["coding": [Self.coding(Self.areaTypeSystem, area.type.rawValue)]]],
         "physicalType": ["coding": [Self.coding("http://terminology.hl7.org/CodeSystem/location-physical-type", "area", "Area")]],
         "managingOrganization": ["reference": .string("Organization/\(organizationId)")],
         "extension": [["url": .string(Self.capacityExtension), "valueInteger": .number(String(area.capacity))]]]
    }

    func practitioner(id: String, rng: inout RandomSource) -> JSON {
        let female = rng.chance(0.7)
        let given = female ? rng.pick(Names.femaleGiven) : rng.pick(Names.maleGiven)
        let family = Names.surname(rng.pick(Names.surnames), female: female)
        // The qualification category (высшая, первая, вторая, без категории), drawn from the id so that the random
        // stream — and with it the rest of the country — stays as it was.
        let categories = [("highest", "Высшая категория"), ("first", "Первая категория"), ("second", "Вторая категория"), ("none", "Без категории")]
        let category = categories[abs(id.hashValueStable) % categories.count]
        return ["resourceType": "Practitioner", "id": .string(id), "active": true,
                "name": [["family": .string(family), "given": [.string(given)], "text": .string("\(family) \(given)")]],
                "gender": female ? "female" : "male",
                "qualification": [["code": ["coding": [Self.coding(Self.qualificationCategorySystem, category.0, category.1)]]]]]
    }

    func practitionerRole(id: String, practitioner: String, organization: String, specialty: String, area: String?) -> JSON {
        var role: JSON = ["resourceType": "PractitionerRole", "id": .string(id), "active": true,
                          "practitioner": ["reference": .string("Practitioner/\(practitioner)")],
                          "organization": ["reference": .string("Organization/\(organization)")],
                          "specialty": [["coding": [Self.coding(Self.specialtySystem, specialty)]]]]
        if let area, case .object(var o) = role {
            o["location"] = [["reference": .string("Location/\(area)")]]
            o["code"] = [["coding": [Self.coding(Self.specialtySystem, "district-doctor", "Участковый врач")]]]
            role = .object(o)
        }
        return role
    }

    func patient(id: String, iin: String, given: String, family: String, sex: String, birth: String, deceased: String?,
                 settlement: Settlement, latitude: Double, longitude: Double, organization: String?) -> JSON {
        guard case .object(var p) = JSON.object(JSONObject()) else { return .null }
        p["resourceType"] = "Patient"
        p["id"] = .string(id)
        p["identifier"] = [["system": .string(IIN.system), "value": .string(iin)]]
        p["active"] = true
        p["name"] = [["use": "official", "family": .string(family), "given": [.string(given)], "text": .string("\(family) \(given)")]]
        p["gender"] = .string(sex)
        p["birthDate"] = .string(birth)
        if let deceased { p["deceasedDateTime"] = .string(deceased) }
        p["address"] = [Self.address(region: Regions.all[settlement.region], settlement: settlement, latitude: latitude, longitude: longitude)]
        if let organization { p["generalPractitioner"] = [["reference": .string("Organization/\(organization)")]] }
        return .object(p)
    }

    /// Attachment to primary care: an EpisodeOfCare of type `attachment`, one active per person (see docs/profiles.md).
    func attachment(id: String, patient: String, area: Area, organizationId: String, since: String) -> JSON {
        ["resourceType": "EpisodeOfCare", "id": .string(id), "status": "active",
         "type": [["coding": [Self.coding(Self.episodeTypeSystem, "attachment", "Прикрепление к ПМСП")]]],
         "patient": ["reference": .string("Patient/\(patient)")],
         "managingOrganization": ["reference": .string("Organization/\(organizationId)")],
         "careManager": ["reference": .string("Practitioner/\(area.doctor)")],
         "period": ["start": .string(since)],
         "extension": [["url": .string(Self.catchmentAreaExtension), "valueReference": ["reference": .string("Location/\(area.id)")]]]]
    }

    func encounter(id: String, patient: String, doctor: String, organizationId: String, date: String) -> JSON {
        ["resourceType": "Encounter", "id": .string(id), "status": "finished",
         "class": Self.coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"),
         "subject": ["reference": .string("Patient/\(patient)")],
         "participant": [["individual": ["reference": .string("Practitioner/\(doctor)")]]],
         "serviceProvider": ["reference": .string("Organization/\(organizationId)")],
         "period": ["start": .string(date), "end": .string(date)]]
    }

    func condition(id: String, patient: String, encounter: String, code: String, display: String, date: String) -> JSON {
        ["resourceType": "Condition", "id": .string(id),
         "clinicalStatus": ["coding": [Self.coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active")]],
         "code": ["coding": [Self.coding(Self.icd10System, code, display)]],
         "subject": ["reference": .string("Patient/\(patient)")],
         "encounter": ["reference": .string("Encounter/\(encounter)")],
         "recordedDate": .string(date)]
    }

    /// A mother as the legal representative of a minor (the citizen's cabinet shows her the child's record).
    func relatedMother(id: String, child: String, iin: String, name: String) -> JSON {
        ["resourceType": "RelatedPerson", "id": .string(id), "active": true,
         "patient": ["reference": .string("Patient/\(child)")],
         "identifier": [["system": .string(IIN.system), "value": .string(iin)]],
         "relationship": [["coding": [Self.coding("http://terminology.hl7.org/CodeSystem/v3-RoleCode", "MTH", "mother")]]],
         "name": [["text": .string(name)]], "gender": "female"]
    }
}
