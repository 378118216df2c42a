import PandemicRegime
import Testing

/// Seed 000, measure 7.1, with every boundary and gap decided (see RegimeRule).
@Suite struct RegimeRuleTests {
    @Test(arguments: [
        // The plan's three clauses.
        (1.4, 60.0, RegimeRule.Decision.tighten), (1.2, 80.0, .tighten), (0.5, 95.0, .tighten), (0.9, 40.0, .relax),
        // Boundaries: ПЗК exactly 50, 70, 90; R exactly 1, 1.15, 1.3.
        (1.31, 50.0, .tighten), (1.31, 49.99, .keep), (1.4, 70.0, .tighten), (1.15, 70.0, .tighten), (1.14, 70.0, .keep),
        (1.3, 69.99, .keep), (1.3, 70.0, .tighten), (0.1, 90.0, .tighten), (0.1, 89.99, .keep),
        (1.0, 50.0, .relax), (1.0001, 50.0, .keep), (1.0, 50.01, .keep),
        // Gaps: R > 1.3 with ПЗК 70–90 (monotone: tighten); R between 1 and 1.15; R > 1.3 with room; R ≤ 1 with ПЗК > 50.
        (2.0, 85.0, .tighten), (1.1, 60.0, .keep), (1.8, 30.0, .keep), (0.8, 65.0, .keep),
    ])
    func decision(r: Double, occupancy: Double, expected: RegimeRule.Decision) {
        #expect(RegimeRule.decide(r: r, occupancy: occupancy).decision == expected)
    }

    @Test func neverMilderWhenEitherCriterionWorsens() {
        let order: [RegimeRule.Decision: Int] = [.relax: 0, .keep: 1, .tighten: 2]
        let rs = stride(from: 0.5, through: 2.0, by: 0.05).map { $0 }
        let occupancies = stride(from: 0.0, through: 100.0, by: 2.5).map { $0 }
        for r in rs {
            for (o1, o2) in zip(occupancies, occupancies.dropFirst()) {
                #expect(order[RegimeRule.decide(r: r, occupancy: o1).decision]! <= order[RegimeRule.decide(r: r, occupancy: o2).decision]!, "R \(r) ПЗК \(o1)→\(o2)")
            }
        }
        for o in occupancies {
            for (r1, r2) in zip(rs, rs.dropFirst()) {
                #expect(order[RegimeRule.decide(r: r1, occupancy: o).decision]! <= order[RegimeRule.decide(r: r2, occupancy: o).decision]!, "ПЗК \(o) R \(r1)→\(r2)")
            }
        }
    }

    @Test func missingCriteria() {
        #expect(RegimeRule.decide(r: nil, occupancy: 95).decision == .tighten)
        #expect(RegimeRule.decide(r: nil, occupancy: 20).decision == .keep)
        #expect(RegimeRule.decide(r: 3.0, occupancy: nil) == (.keep, .unknownOccupancy))
        #expect(RegimeRule.occupancy(occupied: 35, deployed: 50) == 70)
        #expect(RegimeRule.occupancy(occupied: 1, deployed: 0) == nil)
    }
}
