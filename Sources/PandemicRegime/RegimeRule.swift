/// The restriction rule of the 2020 pandemic plan (seed 000, measure 7.1): each region is assessed by the
/// reproduction number R and the occupancy of the infectious-disease bed fund (ПЗК, % of deployed beds occupied):
///
/// 1. tighten when R > 1.3 and ПЗК = 50–70 %, or R = 1.15–1.3 and ПЗК = 70–90 %, or ПЗК ≥ 90 %;
/// 2. keep the restrictions when the criteria do not move;
/// 3. relax when R ≤ 1 and ПЗК ≤ 50 %.
///
/// The text leaves gaps and overlaps; each is decided here, and `docs/surveillance.md` lists them:
/// - ПЗК exactly 70 % is in both "50–70" and "70–90": with R > 1.15 it tightens either way, so the boundary is
///   counted in the higher band (70 ≤ ПЗК < 90) and 50 ≤ ПЗК < 70 below it; ПЗК exactly 50 % is in the 50–70 band
///   (and also "≤ 50" of relaxing, which needs R ≤ 1 and so never meets the tightening bands).
/// - R > 1.3 with ПЗК 70–90 % is in no clause, although it is worse on both criteria than clause 1's
///   "R = 1.15–1.3 and ПЗК = 70–90 %": it tightens. The rule is made monotone: more transmission or fuller
///   hospitals never give a milder decision.
/// - R exactly 1.3 belongs to "1.15–1.3" (R > 1.3 is strict); R exactly 1.15 to "1.15–1.3".
/// - 1.0 < R < 1.15, R > 1.3 with ПЗК < 50 %, and R ≤ 1 with ПЗК > 50 % are in no clause: keep.
/// - R unknown (too few cases for a posterior with a coefficient of variation ≤ 0.3): decided on ПЗК alone —
///   tighten at ≥ 90 %, otherwise keep (relaxing needs evidence that transmission is down).
/// - ПЗК unknown (no bed report): decided on R alone only where R settles it — never tighten or relax on R
///   alone; keep.
public enum RegimeRule {
    public enum Decision: String, Sendable, CaseIterable { case tighten, keep, relax }

    /// Which clause decided, for the report.
    public enum Clause: String, Sendable {
        case fullHospitals = "bed-occupancy-90"
        case fastGrowthFillingHospitals = "r-above-1.3-occupancy-50"
        case growthWithFullHospitals = "r-1.15-occupancy-70"
        case declineWithRoom = "r-at-most-1-occupancy-at-most-50"
        case noClause = "no-clause"
        case unknownOccupancy = "no-bed-report"
    }

    /// The decision for a region with reproduction number `r` and bed occupancy `occupancy` (per cent).
    public static func decide(r: Double?, occupancy: Double?) -> (decision: Decision, clause: Clause) {
        guard let occupancy else { return (.keep, .unknownOccupancy) }
        if occupancy >= 90 { return (.tighten, .fullHospitals) }
        guard let r else { return (.keep, .noClause) }
        if occupancy >= 70 && r >= 1.15 { return (.tighten, .growthWithFullHospitals) }
        if occupancy >= 50 && r > 1.3 { return (.tighten, .fastGrowthFillingHospitals) }
        if r <= 1 && occupancy <= 50 { return (.relax, .declineWithRoom) }
        return (.keep, .noClause)
    }

    /// ПЗК: occupied ÷ deployed × 100; nil without deployed beds.
    public static func occupancy(occupied: Int, deployed: Int) -> Double? {
        guard deployed > 0, occupied >= 0 else { return nil }
        return Double(occupied) / Double(deployed) * 100
    }
}
