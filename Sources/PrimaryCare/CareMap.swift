import FHIRJSON
import FHIRStore
import Foundation

/// The primary-care organisations with their coordinates and catchment areas, in memory, with a grid index for
/// "the nearest organisation with room": 5,000 organisations and 12,525 areas (seed 001) take a few megabytes.
struct CareMap: Sendable {
    struct Site: Sendable {
        var organization: String
        var latitude: Double
        var longitude: Double
        var areas: [Int] = []
    }

    struct Area: Sendable {
        var id: String
        var site: Int
        var type: String
        var capacity: Int
        var attached: Int
        /// The area's district doctor (a Practitioner id), the episode's care manager.
        var doctor: String?

        /// Lower is chosen first: an area for the person's age group (paediatric, therapeutic) before a GP area,
        /// then the least filled.
        var preference: (Int, Double) { (type == "gp" ? 1 : 0, Double(attached) / Double(max(capacity, 1))) }

        func serves(age: Int?) -> Bool { Attachment.areaServes(type: type, age: age) }
    }

    var sites: [Site] = []
    var areas: [Area] = []
    /// Cell (row, column) of `cellDegrees` → site indices.
    var grid: [Cell: [Int]] = [:]

    struct Cell: Hashable, Sendable { var row: Int; var column: Int }

    static let cellDegrees = 0.25
    static let geolocation = "http://hl7.org/fhir/StructureDefinition/geolocation"
    static let organizationTypeSystem = "http://densauluq.kz/fhir/CodeSystem/organization-type"
    static let specialtySystem = "http://densauluq.kz/fhir/CodeSystem/specialty"

    /// Loads the active primary-care organisations that have coordinates, their areas with a capacity, the areas'
    /// district doctors and the current counts of attached people.
    static func load(_ tx: StoreTransaction) async throws -> CareMap {
        var map = CareMap()
        var siteOf: [String: Int] = [:]
        for org in try await tx.resources("Organization", matching: "type=\(organizationTypeSystem)|phc") where org.json["active"]?.boolValue != false {
            guard let point = (org.json["address"]?.arrayValue ?? []).lazy.compactMap(coordinates).first else { continue }
            siteOf[org.id] = map.sites.count
            map.sites.append(Site(organization: org.id, latitude: point.latitude, longitude: point.longitude))
        }
        var doctors: [String: String] = [:]
        for role in try await tx.resources("PractitionerRole", matching: "role=\(specialtySystem)|district-doctor") where role.json["active"]?.boolValue != false {
            guard let practitioner = Attachment.id(role.json["practitioner"]?["reference"]?.stringValue, "Practitioner") else { continue }
            for location in role.json["location"]?.arrayValue ?? [] {
                if let area = Attachment.id(location["reference"]?.stringValue, "Location"), doctors[area] == nil { doctors[area] = practitioner }
            }
        }
        let counts = try await AttachmentService.allCounts(tx.sql)
        for location in try await tx.resources("Location", matching: "type=\(Attachment.areaTypeSystem)|") where location.json["status"]?.stringValue != "inactive" {
            guard let area = AttachmentService.Area(location.json), area.capacity > 0, let site = siteOf[area.organization] else { continue }
            map.sites[site].areas.append(map.areas.count)
            map.areas.append(Area(id: area.id, site: site, type: area.type, capacity: area.capacity, attached: counts[area.id] ?? 0, doctor: doctors[area.id]))
        }
        for (i, site) in map.sites.enumerated() where !site.areas.isEmpty {
            map.grid[cell(site.latitude, site.longitude), default: []].append(i)
        }
        return map
    }

    static func cell(_ latitude: Double, _ longitude: Double) -> Cell {
        Cell(row: Int((latitude / cellDegrees).rounded(.down)), column: Int((longitude / cellDegrees).rounded(.down)))
    }

    /// The area to attach a person at the given home to: of the nearest site that has an area serving the age with
    /// room, its least filled such area. Searches rings of grid cells outwards and stops once no farther ring can
    /// hold a nearer site.
    func nearestArea(latitude: Double, longitude: Double, age: Int?) -> Int? {
        let center = Self.cell(latitude, longitude)
        // The shortest distance across one cell, at the highest latitude of Kazakhstan (56° N), in kilometres.
        let cellKilometres = Self.cellDegrees * 111.2 * cos(56 * Double.pi / 180)
        let maxRing = 200   // 50° each way: the whole country
        var best: (area: Int, distance: Double)?
        for ring in 0...maxRing {
            if let best, best.distance < Double(max(ring - 1, 0)) * cellKilometres { break }
            for cell in Self.ring(center, ring) {
                for s in grid[cell] ?? [] {
                    let site = sites[s]
                    let d = Self.kilometres(latitude, longitude, site.latitude, site.longitude)
                    if let best, best.distance <= d { continue }
                    let open = site.areas.filter { areas[$0].serves(age: age) && areas[$0].attached < areas[$0].capacity }
                    if let area = open.min(by: { areas[$0].preference < areas[$1].preference }) {
                        best = (area, d)
                    }
                }
            }
        }
        return best?.area
    }

    /// The cells at Chebyshev distance `r` from `c`.
    static func ring(_ c: Cell, _ r: Int) -> [Cell] {
        guard r > 0 else { return [c] }
        var out: [Cell] = []
        for column in (c.column - r)...(c.column + r) {
            out.append(Cell(row: c.row - r, column: column))
            out.append(Cell(row: c.row + r, column: column))
        }
        for row in (c.row - r + 1)...(c.row + r - 1) {
            out.append(Cell(row: row, column: c.column - r))
            out.append(Cell(row: row, column: c.column + r))
        }
        return out
    }

    /// Great-circle distance (haversine), kilometres.
    static func kilometres(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let r = Double.pi / 180
        let a = pow(sin((lat2 - lat1) * r / 2), 2) + cos(lat1 * r) * cos(lat2 * r) * pow(sin((lon2 - lon1) * r / 2), 2)
        return 2 * 6371 * asin(min(1, sqrt(a)))
    }

    /// The geolocation extension of an Address.
    static func coordinates(_ address: JSON) -> (latitude: Double, longitude: Double)? {
        guard let geo = (address["extension"]?.arrayValue ?? []).first(where: { $0["url"]?.stringValue == geolocation }) else { return nil }
        var latitude: Double?, longitude: Double?
        for e in geo["extension"]?.arrayValue ?? [] {
            let value = e["valueDecimal"]?.doubleValue
            switch e["url"]?.stringValue {
            case "latitude": latitude = value
            case "longitude": longitude = value
            default: break
            }
        }
        guard let latitude, let longitude else { return nil }
        return (latitude, longitude)
    }
}
