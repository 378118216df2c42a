import Foundation
@testable import StatePlans

/// The shipped plans, read once for all tests.
enum Shipped {
    static let library: PlanLibrary = {
        do { return try PlanLibrary.shipped() } catch { fatalError("the shipped plans do not load: \(error)") }
    }()

    static func plan(_ id: String) throws -> Plan { try library.plan(id) }

    static let pandemic = "pandemic-plan-2020"
    static let concept = "health-concept-2026"
    static let digitalMap = "digital-map-2025"
    static let almaty = "almaty-roadmap-2025-2030"
    static let cancer = "cancer-plan-2023-2027"
}

extension Decimal {
    /// The magnitude, for tolerance comparisons.
    var magnitude: Decimal { self < 0 ? -self : self }
}
