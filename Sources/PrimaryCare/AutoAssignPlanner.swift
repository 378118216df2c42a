import FHIRStore

/// The care map that the workers of one automatic assignment share: each batch takes its places here, so two
/// workers never count the same free place twice, and gives them back when its transaction is rolled back.
actor AutoAssignPlanner {
    /// Where a person lives and how old they are.
    struct Home: Sendable { var latitude: Double; var longitude: Double; var age: Int? }
    /// A place taken in a catchment area.
    struct Place: Sendable {
        /// The area's index in the map.
        var area: Int
        var areaId: String
        var organization: String
        var doctor: String?
        var capacity: Int
    }

    nonisolated let repository: Repository
    private var map: CareMap
    private(set) var report = AttachmentService.AutoAssignReport()

    init(map: CareMap, repository: Repository) {
        self.map = map
        self.repository = repository
    }

    /// The nearest area with room for each person, in order (nil: none anywhere); the places are taken.
    func plan(_ homes: [Home]) -> [Place?] {
        homes.map { home in
            guard let a = map.nearestArea(latitude: home.latitude, longitude: home.longitude, age: home.age) else { return nil }
            map.areas[a].attached += 1
            let area = map.areas[a]
            return Place(area: a, areaId: area.id, organization: map.sites[area.site].organization, doctor: area.doctor, capacity: area.capacity)
        }
    }

    /// Gives back the places of a rolled-back batch; the areas found full in the database count as full from now on.
    func release(_ areas: [Int], full: Set<Int>) {
        for a in areas { map.areas[a].attached -= 1 }
        for a in full { map.areas[a].attached = max(map.areas[a].attached, map.areas[a].capacity) }
    }

    /// Adds a committed batch to the report.
    func add(_ outcome: AttachmentService.BatchOutcome) {
        report.attached += outcome.attached
        report.noRoom += outcome.noRoom
        report.noCoordinates += outcome.noCoordinates
    }
}
