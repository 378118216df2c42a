import FHIRJSON
import FHIRStore
import Foundation
import KazakhstanRegions
import Surveillance

/// Notifiable cases for the surveillance demo: about two years of salmonellosis, chickenpox and influenza in the
/// demo epidemiologist's region (Almaty), with seasonality, notified through `NotificationService` like any
/// information system would — with injected outbreaks of known start, length and size (`outbreaks`), the last
/// of them in the last complete ISO week, which the outbreak scan must find. Dates are relative to the day of
/// loading, so the demo always has a current outbreak.
public struct DemoSurveillance: Sendable {
    public let repository: Repository
    public let seed: UInt64
    /// KATO of the region the cases are in.
    public var region = "750000000"
    /// Weeks of history before the current week: two years, so that Farrington flexible (one year + 3 + 1 weeks of
    /// history at least) gives a signal for about the last year.
    public var weeks = 110
    /// The ICD-10 categories notified (of A02 salmonellosis, B01 chickenpox, J11 influenza); the outbreak is always A02's.
    public var categories: Set<String> = ["A02", "B01", "J11"]

    public init(repository: Repository, seed: UInt64) {
        self.repository = repository
        self.seed = seed
    }

    /// A disease of the demo: ICD-10 code, weekly mean at the seasonal peak and trough, and the ISO week of the peak.
    struct Disease { var code: String; var display: String; var peak: Double; var trough: Double; var peakWeek: Int }
    static let diseases = [
        Disease(code: "A02.0", display: "Salmonella enteritis", peak: 5, trough: 1.5, peakWeek: 32),
        Disease(code: "B01.9", display: "Varicella without complication", peak: 9, trough: 2, peakWeek: 12),
        Disease(code: "J11.1", display: "Influenza with other respiratory manifestations, virus not identified", peak: 10, trough: 0.5, peakWeek: 5),
    ]

    /// An outbreak put into the data: extra cases spread evenly over `days` days from `start`.
    public struct InjectedOutbreak: Sendable, Equatable {
        /// ICD-10 category and region KATO.
        public var disease: String
        public var region: String
        /// The first day (`YYYY-MM-DD`), the ISO week it falls in, the days it lasts and the extra cases.
        public var start: String
        public var week: String
        public var days: Int
        public var cases: Int
    }

    /// The outbreaks, as (disease index, weeks before the last complete week, days, cases); the last is current.
    static let plannedOutbreaks: [(disease: Int, weeksBack: Int, days: Int, cases: Int)] = [
        (1, 30, 10, 22), (2, 15, 7, 16), (0, 6, 5, 10), (0, 0, 7, 18),
    ]

    public struct Summary: Sendable {
        public var notifications = 0
        public var outbreaks: [InjectedOutbreak] = []
        /// The outbreak of the last complete week.
        public var outbreak: InjectedOutbreak? { outbreaks.last }
    }

    /// Notifies the cases up to the day before `today` (a date in Kazakhstan).
    public func load(today: String) async throws -> Summary {
        guard let day = CaseCalendar.dayNumber(today) else { throw FHIRError(400, "invalid", "'\(today)' is not a date") }
        let lastMonday = day - ((day + 3) % 7 + 7) % 7 - 7
        let firstMonday = lastMonday - 7 * (weeks - 1)
        guard let place = Region.of(kato: region) else { throw FHIRError(400, "invalid", "'\(region)' is not a region") }
        let (patients, organizations) = try await repository.transaction { tx in
            (try await tx.ids("Patient", matching: "address-state:exact=\(place.nameRu)").sorted(),
             try await tx.ids("Organization", matching: "address-state:exact=\(place.nameRu)&type=\(DemoCountry.organizationTypeSystem)|phc,\(DemoCountry.organizationTypeSystem)|hospital").sorted())
        }
        guard !patients.isEmpty, !organizations.isEmpty else {
            throw FHIRError(422, "not-found", "The demo has no people or organisations in \(place.nameEn) to notify cases of")
        }
        var rng = RandomSource(seed: seed ^ 0x5EED_CA5E)
        var summary = Summary()
        // Extra cases per disease and day.
        var extra: [Int: [Int: Int]] = [:]
        for planned in Self.plannedOutbreaks where categories.contains(String(Self.diseases[planned.disease].code.prefix(3))) || planned.disease == 0 {
            let start = lastMonday - 7 * planned.weeksBack
            for k in 0..<planned.cases { extra[planned.disease, default: [:]][start + k * planned.days / planned.cases, default: 0] += 1 }
            summary.outbreaks.append(InjectedOutbreak(disease: String(Self.diseases[planned.disease].code.prefix(3)), region: region,
                                                      start: CaseCalendar.date(start), week: CaseCalendar.isoWeekLabel(CaseCalendar.date(start)) ?? "",
                                                      days: planned.days, cases: planned.cases))
        }
        let service = NotificationService(repository: repository)
        // Each disease goes round the region's people in turn, so nobody is notified twice within the merge window.
        var next = Array(repeating: 0, count: Self.diseases.count)
        for week in 0..<weeks {
            let monday = firstMonday + 7 * week
            let isoWeek = CaseCalendar.isoWeek(CaseCalendar.date(monday))?.week ?? 1
            for (d, disease) in Self.diseases.enumerated() where categories.contains(String(disease.code.prefix(3))) || d == 0 {
                let season = (1 + cos(2 * Double.pi * Double(isoWeek - disease.peakWeek) / 52)) / 2
                var diagnoses = (0..<Self.poisson(disease.trough + (disease.peak - disease.trough) * season, &rng)).map { _ in monday + rng.int(7) }
                for offset in 0..<7 { diagnoses += Array(repeating: monday + offset, count: extra[d]?[monday + offset] ?? 0) }
                for diagnosed in diagnoses {
                    guard diagnosed < day else { continue }
                    let patient = patients[next[d] % patients.count]
                    next[d] += 1
                    let onset = diagnosed - rng.int(4)
                    let condition: JSON = [
                        "resourceType": "Condition", "subject": ["reference": .string("Patient/\(patient)")],
                        "code": ["coding": [["system": .string(CaseNotification.icd10), "code": .string(disease.code), "display": .string(disease.display)]]],
                        "onsetDateTime": .string(CaseCalendar.date(onset)), "recordedDate": .string(CaseCalendar.date(diagnosed)),
                        "verificationStatus": ["coding": [["system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                                                           "code": .string(rng.chance(0.6) ? "confirmed" : "provisional")]]],
                    ]
                    let noon = Date(timeIntervalSince1970: Double(diagnosed) * 86_400 + 7 * 3_600)
                    _ = try await service.notify(condition, organization: organizations[rng.int(organizations.count)],
                                                 channel: rng.chance(0.85) ? .electronic : .manual, now: noon)
                    summary.notifications += 1
                }
            }
        }
        return summary
    }

    /// A Poisson draw (Knuth's method; the demo's means are small).
    static func poisson(_ mean: Double, _ rng: inout RandomSource) -> Int {
        let limit = exp(-mean)
        var k = 0
        var p = rng.unit()
        while p > limit { k += 1; p *= rng.unit() }
        return k
    }
}
