import SQLKit

/// A row of the journal of infectious and parasitic diseases: one case, however many notifications it took.
public struct CaseRecord: Sendable, Equatable, Codable {
    /// The case's Condition id.
    public var condition: String
    public var patient: String
    /// ICD-10 category (`A01`) and full code.
    public var disease: String
    public var code: String
    /// KATO codes of the region, the district and the settlement.
    public var region: String
    public var district: String?
    public var settlement: String?
    /// The organisation that notified first.
    public var organization: String
    public var onset: String
    public var diagnosed: String
    public var status: CaseStatus
    public var laboratory: Bool
    /// Notifications received for this case, and how many of them electronically.
    public var notifications: Int
    public var electronic: Int
    /// When the first notification was received (instant) and the case last changed.
    public var received: String
    public var updated: String

    static let columns = "condition, patient, disease, code, region, district, settlement, organization, onset, diagnosed, status, laboratory, notifications, electronic, received, updated"

    init(row: any SQLRow) throws {
        condition = try row.decode(column: "condition", as: String.self)
        patient = try row.decode(column: "patient", as: String.self)
        disease = try row.decode(column: "disease", as: String.self)
        code = try row.decode(column: "code", as: String.self)
        region = try row.decode(column: "region", as: String.self)
        district = try row.decode(column: "district", as: String?.self)
        settlement = try row.decode(column: "settlement", as: String?.self)
        organization = try row.decode(column: "organization", as: String.self)
        onset = try row.decode(column: "onset", as: String.self)
        diagnosed = try row.decode(column: "diagnosed", as: String.self)
        status = CaseStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .suspected
        laboratory = try row.decode(column: "laboratory", as: Int.self) != 0
        notifications = try row.decode(column: "notifications", as: Int.self)
        electronic = try row.decode(column: "electronic", as: Int.self)
        received = try row.decode(column: "received", as: String.self)
        updated = try row.decode(column: "updated", as: String.self)
    }

    init(condition: String, patient: String, disease: String, code: String, region: String, district: String?, settlement: String?,
         organization: String, onset: String, diagnosed: String, status: CaseStatus, laboratory: Bool, notifications: Int,
         electronic: Int, received: String, updated: String) {
        self.condition = condition; self.patient = patient; self.disease = disease; self.code = code; self.region = region
        self.district = district; self.settlement = settlement; self.organization = organization; self.onset = onset
        self.diagnosed = diagnosed; self.status = status; self.laboratory = laboratory; self.notifications = notifications
        self.electronic = electronic; self.received = received; self.updated = updated
    }

    func insert(_ db: any SQLDatabase) async throws {
        try await db.raw("""
            INSERT INTO surveillance_cases (\(unsafeRaw: Self.columns)) VALUES (\(bind: condition), \(bind: patient), \(bind: disease),
              \(bind: code), \(bind: region), \(bind: district), \(bind: settlement), \(bind: organization), \(bind: onset),
              \(bind: diagnosed), \(bind: status.rawValue), \(bind: laboratory ? 1 : 0), \(bind: notifications), \(bind: electronic),
              \(bind: received), \(bind: updated))
            """).run()
    }

    func update(_ db: any SQLDatabase) async throws {
        try await db.raw("""
            UPDATE surveillance_cases SET code = \(bind: code), onset = \(bind: onset), diagnosed = \(bind: diagnosed),
              status = \(bind: status.rawValue), laboratory = \(bind: laboratory ? 1 : 0), notifications = \(bind: notifications),
              electronic = \(bind: electronic), updated = \(bind: updated) WHERE condition = \(bind: condition)
            """).run()
    }
}
