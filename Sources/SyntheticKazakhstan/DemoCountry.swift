import FHIRJSON
@_exported import KazakhstanRegions
import FHIRValidation
import Foundation

/// A deterministic synthetic Kazakhstan as FHIR resources: regions' settlements, primary-care organisations with
/// their catchment areas (GP 75.3 %, therapeutic 9.5 %, paediatric 15.2 % — seed 001), hospitals, pharmacies,
/// practitioners, people with valid ИИН, their attachments, mothers of minors, visits with ICD-10 diagnoses and
/// deaths. The same `scale` and `seed` always give the same resources, ids included.
///
/// How the registries and attachment are represented is in `docs/profiles.md`.
public struct DemoCountry: Sendable {
    public let plan: DemoPlan
    public let seed: UInt64
    /// The reference date: birth dates, visit dates and attachment periods are before it.
    public let today: String
    /// Whether people are attached to primary care; without, they await automatic assignment (and, attached
    /// nowhere, have no visits).
    public var attached = true

    public init(scale: Double, seed: UInt64 = 1, today: String = "2026-01-01") {
        plan = DemoPlan(scale: scale)
        self.seed = seed
        self.today = today
    }

    // MARK: - Vocabulary

    public static let katoExtension = "http://densauluq.kz/fhir/StructureDefinition/kato"
    public static let geolocationExtension = "http://hl7.org/fhir/StructureDefinition/geolocation"
    public static let capacityExtension = "http://densauluq.kz/fhir/StructureDefinition/catchment-area-capacity"
    public static let videoServerExtension = "http://densauluq.kz/fhir/StructureDefinition/video-server"
    public static let catchmentAreaExtension = "http://densauluq.kz/fhir/StructureDefinition/catchment-area"
    public static let organizationTypeSystem = "http://densauluq.kz/fhir/CodeSystem/organization-type"
    public static let ownershipSystem = "http://densauluq.kz/fhir/CodeSystem/ownership"
    public static let areaTypeSystem = "http://densauluq.kz/fhir/CodeSystem/catchment-area-type"
    public static let episodeTypeSystem = "http://densauluq.kz/fhir/CodeSystem/episode-type"
    public static let qualificationCategorySystem = "http://densauluq.kz/fhir/CodeSystem/qualification-category"
    public static let specialtySystem = "http://densauluq.kz/fhir/CodeSystem/specialty"
    public static let binSystem = "http://densauluq.kz/fhir/sid/bin"
    public static let licenceSystem = "http://densauluq.kz/fhir/sid/medical-licence"
    public static let icd10System = "http://hl7.org/fhir/sid/icd-10"

    /// Catchment-area types with their share of areas and the ages they serve.
    public enum AreaType: String, CaseIterable, Sendable {
        case generalPractice = "gp", therapeutic, paediatric

        var share: Double { switch self { case .generalPractice: 0.753; case .therapeutic: 0.095; case .paediatric: 0.152 } }
        /// Normative number of people per area.
        var norm: Int { switch self { case .generalPractice: 1_700; case .therapeutic: 2_200; case .paediatric: 900 } }
        var nameRu: String { switch self { case .generalPractice: "ВОП"; case .therapeutic: "терапевтический"; case .paediatric: "педиатрический" } }
        var specialty: String { switch self { case .generalPractice: "general-practice"; case .therapeutic: "therapy"; case .paediatric: "paediatrics" } }
        func serves(age: Int) -> Bool {
            switch self { case .generalPractice: true; case .therapeutic: age >= 18; case .paediatric: age < 18 }
        }
    }

    /// Common primary-care diagnoses (ICD-10) with relative frequency; a few notifiable ones for surveillance demos.
    static let diagnoses: [(code: String, display: String, weight: Int)] = [
        ("J06.9", "Острая инфекция верхних дыхательных путей", 30), ("I10", "Эссенциальная гипертензия", 18),
        ("E11.9", "Сахарный диабет 2 типа", 8), ("K29.7", "Гастрит", 7), ("M54.5", "Боль внизу спины", 7),
        ("J20.9", "Острый бронхит", 6), ("N39.0", "Инфекция мочевыводящих путей", 5), ("Z00.0", "Профилактический осмотр", 12),
        ("I25.9", "Хроническая ишемическая болезнь сердца", 4), ("J45.9", "Астма", 2), ("U07.1", "COVID-19", 2),
        ("A15.0", "Туберкулёз лёгких", 1), ("B01.9", "Ветряная оспа", 1), ("J11.1", "Грипп", 2),
    ]

    // MARK: - Generation

    /// A settlement: the regional centre, a town or a village.
    struct Settlement { var index: Int; var region: Int; var kato: String; var name: String; var urban: Bool; var latitude: Double; var longitude: Double; var people: Int }
    struct Area { var id: String; var organization: Int; var type: AreaType; var capacity: Int; var attached = 0; var doctor: String }
    struct Site { var id: String; var region: Int; var settlement: Int; var latitude: Double; var longitude: Double; var areas: [Int] = [] }

    /// Generates the country and hands it to `sink` in batches, each batch referring only to resources in it or
    /// in earlier batches.
    public func generate(batchSize: Int = 500, _ sink: ([JSON]) async throws -> Void) async throws {
        var rng = RandomSource(seed: seed)
        var batch: [JSON] = []
        func emit(_ r: JSON) async throws {
            batch.append(r)
            if batch.count >= batchSize { try await sink(batch); batch = [] }
        }
        func flush() async throws { if !batch.isEmpty { try await sink(batch); batch = [] } }

        // Settlements: the centre and towns take the urban share, villages the rest.
        let peopleByRegion = DemoPlan.byRegion(plan.people, minimum: 20)
        let ruralTotal = plan.ruralSettlements
        let ruralByRegion = DemoPlan.byRegion(ruralTotal, minimum: 0, regions: Regions.all).enumerated().map { i, n in Regions.all[i].isCity ? 0 : max(1, n) }
        var settlements: [Settlement] = []
        for (r, region) in Regions.all.enumerated() {
            let urbanPeople = Int(Double(peopleByRegion[r]) * region.urbanShare)
            let towns = region.isCity ? 1 : max(1, min(6, urbanPeople / 2_000 + 1))
            for t in 0..<towns {
                let (lat, lon) = t == 0 ? (region.latitude, region.longitude) : jitter(&rng, region)
                settlements.append(Settlement(index: settlements.count, region: r, kato: Self.kato(region, settlement: t + 1),
                                              name: t == 0 ? region.nameRu : "г. \(rng.pick(Names.settlementRoots))",
                                              urban: true, latitude: lat, longitude: lon, people: urbanPeople / towns))
            }
            let villages = ruralByRegion[r]
            let ruralPeople = peopleByRegion[r] - (urbanPeople / towns) * towns
            for v in 0..<villages {
                let (lat, lon) = jitter(&rng, region)
                settlements.append(Settlement(index: settlements.count, region: r, kato: Self.kato(region, settlement: 100 + v),
                                              name: "с. \(rng.pick(Names.settlementRoots))", urban: false, latitude: lat, longitude: lon,
                                              people: ruralPeople / villages + (v < ruralPeople % villages ? 1 : 0)))
            }
        }

        // Primary-care organisations: in the settlements with most people; areas sized to their people.
        var sites: [Site] = []
        var areas: [Area] = []
        var practitioners = 0
        var roles = 0
        let phcByRegion = DemoPlan.byRegion(plan.primaryCareOrganizations)
        let areasByRegion = DemoPlan.byRegion(plan.catchmentAreas, minimum: 2)
        for (r, region) in Regions.all.enumerated() {
            let local = settlements.filter { $0.region == r }.sorted { $0.people > $1.people }
            for k in 0..<phcByRegion[r] {
                let s = local[k % local.count]
                let (lat, lon) = k < local.count ? (s.latitude, s.longitude) : near(&rng, s)
                let id = "kz-phc-\(sites.count + 1)"
                sites.append(Site(id: id, region: r, settlement: s.index, latitude: lat, longitude: lon))
                let ownership = rng.chance(0.7) ? "state" : "private"
                try await emit(organization(id: id, name: "Поликлиника №\(k + 1) \(s.name)", type: "phc", ownership: ownership, region: region, settlement: s, latitude: lat, longitude: lon, rng: &rng))
            }
            // Areas: split over this region's organisations, types by share, capacity from the people they serve.
            let regionSites = sites.indices.filter { sites[$0].region == r }
            let n = areasByRegion[r]
            let perArea = max(1, peopleByRegion[r] / n)
            for a in 0..<n {
                let site = regionSites[a % regionSites.count]
                let type: AreaType = a % regionSites.count == a ? .generalPractice : pickAreaType(&rng)
                practitioners += 1
                roles += 1
                let doctor = "kz-pr-\(practitioners)"
                let area = Area(id: "kz-area-\(areas.count + 1)", organization: site, type: type,
                                capacity: Int(Double(perArea) * (type == .paediatric ? 0.6 : 1.0) * 1.25) + 5, doctor: doctor)
                sites[site].areas.append(areas.count)
                areas.append(area)
                // The area's centre: near its organisation, spread without drawing from the random stream.
                let dLat = Double((areas.count * 37) % 41 - 20) * 0.001, dLon = Double((areas.count * 53) % 43 - 21) * 0.001
                try await emit(areaLocation(area, number: sites[site].areas.count, organizationId: sites[site].id,
                                            latitude: sites[site].latitude + dLat, longitude: sites[site].longitude + dLon))
                try await emit(practitioner(id: doctor, rng: &rng))
                try await emit(practitionerRole(id: "kz-prr-\(roles)", practitioner: doctor, organization: sites[site].id, specialty: type.specialty, area: area.id))
            }
        }
        // Hospitals and other organisations, pharmacies, and the rest of the medical workers.
        var others: [String] = []
        for (r, n) in DemoPlan.byRegion(plan.otherOrganizations).enumerated() {
            let local = settlements.filter { $0.region == r && $0.urban }
            for k in 0..<n {
                let s = local[k % local.count]
                let (lat, lon) = near(&rng, s)
                let id = "kz-mo-\(others.count + 1)"
                others.append(id)
                try await emit(organization(id: id, name: "Больница №\(k + 1) \(s.name)", type: "hospital", ownership: rng.chance(0.8) ? "state" : "private",
                                            region: Regions.all[r], settlement: s, latitude: lat, longitude: lon, rng: &rng))
            }
        }
        var pharmacyCount = 0
        for (r, n) in DemoPlan.byRegion(plan.pharmacies).enumerated() {
            let local = settlements.filter { $0.region == r }.sorted { $0.people > $1.people }
            for k in 0..<n {
                let s = local[k % max(1, min(local.count, 1 + k / 2))]
                let (lat, lon) = near(&rng, s)
                pharmacyCount += 1
                try await emit(organization(id: "kz-ph-\(pharmacyCount)", name: "Аптека №\(k + 1) \(s.name)", type: "pharmacy", ownership: "private",
                                            region: Regions.all[r], settlement: s, latitude: lat, longitude: lon, rng: &rng))
            }
        }
        let specialties = ["cardiology", "surgery", "neurology", "obstetrics-gynaecology", "nursing", "nursing", "nursing", "oncology", "infectious-diseases"]
        let allOrganizations = sites.map(\.id) + others
        while practitioners < plan.medicalWorkers {
            practitioners += 1
            roles += 1
            let id = "kz-pr-\(practitioners)"
            try await emit(practitioner(id: id, rng: &rng))
            try await emit(practitionerRole(id: "kz-prr-\(roles)", practitioner: id, organization: allOrganizations[rng.int(allOrganizations.count)],
                                            specialty: rng.pick(specialties), area: nil))
        }
        try await flush()

        // People: by settlement; each attached to the nearest organisation of their region with a free area of
        // their type; minors get a mother from the same settlement; some have died; most have a visit.
        var serials: [String: Int] = [:]
        var person = 0
        var episodes = 0
        var encounters = 0
        var mothers: [Int: [(iin: String, name: String, birthYear: Int, children: Int)]] = [:]
        let year = Int(today.prefix(4)) ?? 2026
        for s in settlements {
            let regionSites = sites.indices.filter { sites[$0].region == s.region }
                .sorted { distance(sites[$0].latitude, sites[$0].longitude, s.latitude, s.longitude) < distance(sites[$1].latitude, sites[$1].longitude, s.latitude, s.longitude) }
            for _ in 0..<s.people {
                person += 1
                let age = sampleAge(&rng)
                let female = rng.chance(0.515)
                let birth = String(format: "%04d-%02d-%02d", year - 1 - age, 1 + rng.int(12), 1 + rng.int(28))
                let sex = female ? "female" : "male"
                var serial = serials[birth + sex, default: rng.int(50)]
                var iin: String?
                while iin == nil && serial <= 9_999 { iin = IIN.make(birthDate: birth, sex: sex, serial: serial); serial += 1 }
                serials[birth + sex] = serial
                guard let iin else { continue }
                let given = female ? rng.pick(Names.femaleGiven) : rng.pick(Names.maleGiven)
                let family = Names.surname(rng.pick(Names.surnames), female: female)
                let deceased = rng.chance(age >= 70 ? 0.04 : 0.002)
                let (lat, lon) = near(&rng, s)
                let patientId = "kz-p-\(person)"
                // The nearest organisation with room on an area serving this age.
                var chosen: Int?
                if !deceased && attached {
                    search: for site in regionSites {
                        let fitting = sites[site].areas.filter { areas[$0].type.serves(age: age) && areas[$0].attached < areas[$0].capacity }
                        if let best = fitting.min(by: { areas[$0].attached < areas[$1].attached }) { chosen = best; break search }
                    }
                }
                if let a = chosen { areas[a].attached += 1 }
                try await emit(patient(id: patientId, iin: iin, given: given, family: family, sex: sex, birth: birth,
                                       deceased: deceased ? String(format: "%04d-%02d-%02d", year - 1, 1 + rng.int(12), 1 + rng.int(28)) : nil,
                                       settlement: s, latitude: lat, longitude: lon, organization: chosen.map { sites[areas[$0].organization].id }))
                if let a = chosen {
                    episodes += 1
                    let since = String(format: "%04d-%02d-%02d", max(year - 1 - age, year - 10), 1 + rng.int(12), 1 + rng.int(28))
                    try await emit(attachment(id: "kz-att-\(episodes)", patient: patientId, area: areas[a], organizationId: sites[areas[a].organization].id, since: max(since, birth)))
                    // A visit or two at the attached organisation, with a diagnosis.
                    for _ in 0..<(rng.chance(0.7) ? 1 + rng.int(2) : 0) {
                        encounters += 1
                        let date = String(format: "%04d-%02d-%02d", year - 1, 1 + rng.int(12), 1 + rng.int(28))
                        guard date > birth else { continue }
                        let dx = pickDiagnosis(&rng)
                        try await emit(encounter(id: "kz-enc-\(encounters)", patient: patientId, doctor: areas[a].doctor, organizationId: sites[areas[a].organization].id, date: date))
                        try await emit(condition(id: "kz-cond-\(encounters)", patient: patientId, encounter: "kz-enc-\(encounters)", code: dx.code, display: dx.display, date: date))
                    }
                }
                if female && (20...45).contains(age) && !deceased {
                    mothers[s.index, default: []].append((iin, family + " " + given, year - 1 - age, 0))
                } else if age < 18, let candidates = mothers[s.index], !candidates.isEmpty {
                    // A mother 18–45 years older with fewer than four children so far.
                    let k = rng.int(candidates.count)
                    let mother = candidates[k]
                    let gap = year - 1 - age - mother.birthYear
                    if (18...45).contains(gap) && mother.children < 4 {
                        mothers[s.index]?[k].children += 1
                        try await emit(relatedMother(id: "kz-rp-\(person)", child: patientId, iin: mother.iin, name: mother.name))
                    }
                }
            }
        }
        try await flush()
    }

    // MARK: - Geography

    func jitter(_ rng: inout RandomSource, _ region: Region) -> (Double, Double) {
        (region.latitude + rng.double(-region.spread...region.spread) * 0.6, region.longitude + rng.double(-region.spread...region.spread))
    }

    func near(_ rng: inout RandomSource, _ s: Settlement) -> (Double, Double) {
        let spread = s.urban ? 0.05 : 0.01
        return (s.latitude + rng.double(-spread...spread), s.longitude + rng.double(-spread...spread))
    }

    /// Great-circle distance in kilometres.
    public func distance(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let r = 6371.0
        let dLat = (lat2 - lat1) * .pi / 180, dLon = (lon2 - lon1) * .pi / 180
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * .pi / 180) * cos(lat2 * .pi / 180) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * r * asin(min(1, sqrt(a)))
    }

    /// KATO of a settlement: the region's two digits, then the settlement's number.
    static func kato(_ region: Region, settlement: Int) -> String {
        String(region.kato.prefix(2)) + String(format: "%07d", settlement)
    }

    // MARK: - Distributions

    /// Age in years: Kazakhstan's young pyramid, roughly (30 % under 18, 8 % over 65).
    func sampleAge(_ rng: inout RandomSource) -> Int {
        let u = rng.unit()
        switch u {
        case ..<0.30: return rng.int(18)
        case ..<0.62: return 18 + rng.int(22)
        case ..<0.92: return 40 + rng.int(25)
        default: return 65 + rng.int(30)
        }
    }

    func pickAreaType(_ rng: inout RandomSource) -> AreaType {
        let u = rng.unit()
        return u < AreaType.generalPractice.share ? .generalPractice : u < AreaType.generalPractice.share + AreaType.therapeutic.share ? .therapeutic : .paediatric
    }

    func pickDiagnosis(_ rng: inout RandomSource) -> (code: String, display: String) {
        let total = Self.diagnoses.reduce(0) { $0 + $1.weight }
        var k = rng.int(total)
        for d in Self.diagnoses {
            if k < d.weight { return (d.code, d.display) }
            k -= d.weight
        }
        return (Self.diagnoses[0].code, Self.diagnoses[0].display)
    }
}

extension Region {
    /// Typical spread of its settlements around the centre, in degrees.
    var spread: Double { isCity ? 0.08 : 2.0 }
}
