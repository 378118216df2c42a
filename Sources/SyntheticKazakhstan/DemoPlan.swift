/// How many of each thing a synthetic Kazakhstan of a given scale has: the national figures of the seeds
/// multiplied by `scale` (1.0 = 20 million people), never fewer than the demo needs to be usable.
public struct DemoPlan: Sendable, Equatable {
    public let scale: Double
    public let people: Int
    /// Primary-care organisations (seed 001: over 5,000).
    public let primaryCareOrganizations: Int
    /// Catchment areas — участки (seed 001: 12,525).
    public let catchmentAreas: Int
    /// Other medical organisations (seed 002: over 7,000 in all).
    public let otherOrganizations: Int
    /// Pharmacies (seed 002: 8,500).
    public let pharmacies: Int
    /// Medical workers (seed 002: 275,000).
    public let medicalWorkers: Int
    /// Rural settlements (seed 001: 6,322).
    public let ruralSettlements: Int

    public static let nationalPeople = 20_000_000
    public static let nationalPrimaryCare = 5_000
    public static let nationalAreas = 12_525
    public static let nationalMedicalOrganizations = 7_000
    public static let nationalPharmacies = 8_500
    public static let nationalMedicalWorkers = 275_000
    public static let nationalRuralSettlements = 6_322

    public init(scale: Double) {
        self.scale = scale
        func scaled(_ n: Int, minimum: Int) -> Int { max(minimum, Int((Double(n) * scale).rounded())) }
        let regions = Regions.all.count
        people = scaled(Self.nationalPeople, minimum: 20 * regions)
        primaryCareOrganizations = scaled(Self.nationalPrimaryCare, minimum: regions)
        catchmentAreas = max(primaryCareOrganizations * 2, scaled(Self.nationalAreas, minimum: 2 * regions))
        otherOrganizations = scaled(Self.nationalMedicalOrganizations - Self.nationalPrimaryCare, minimum: regions)
        pharmacies = scaled(Self.nationalPharmacies, minimum: regions)
        medicalWorkers = max(catchmentAreas + otherOrganizations, scaled(Self.nationalMedicalWorkers, minimum: 0))
        ruralSettlements = scaled(Self.nationalRuralSettlements, minimum: regions - 3)
    }

    /// Splits `total` over the regions in proportion to their population (largest remainders), at least `minimum` each.
    static func byRegion(_ total: Int, minimum: Int = 1, regions: [Region] = Regions.all) -> [Int] {
        let weights = regions.map { Double($0.populationThousands) }
        let sum = weights.reduce(0, +)
        let spare = max(0, total - minimum * regions.count)
        let exact = weights.map { Double(spare) * $0 / sum }
        var counts = exact.map { Int($0) + minimum }
        var left = total - counts.reduce(0, +)
        for i in exact.indices.sorted(by: { exact[$0] - exact[$0].rounded(.down) > exact[$1] - exact[$1].rounded(.down) }) where left > 0 {
            counts[i] += 1
            left -= 1
        }
        return counts
    }
}
