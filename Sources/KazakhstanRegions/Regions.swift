/// A first-level administrative unit of Kazakhstan: one of the 17 oblasts or the three cities of republican
/// significance (Astana, Almaty, Shymkent).
public struct Region: Sendable, Equatable {
    /// KATO code of the region (9 digits, `710000000` for Astana).
    public let kato: String
    public let nameRu: String
    public let nameKk: String
    public let nameEn: String
    /// Administrative centre.
    public let latitude: Double
    public let longitude: Double
    /// Population in thousands (2024, rounded).
    public let populationThousands: Int
    /// Share of the population in towns (the rest lives in rural settlements).
    public let urbanShare: Double
    /// A city of republican significance: one urban settlement, no rural ones.
    public var isCity: Bool { urbanShare >= 1 }

    /// The region a KATO code (of the region, a district or a settlement) lies in: the first two digits.
    public static func of(kato: String) -> Region? {
        guard kato.count == 9 else { return nil }
        return Regions.all.first { $0.kato.prefix(2) == kato.prefix(2) }
    }
}

/// The 20 regions with their KATO codes (classifier of administrative-territorial objects, 2023 edition).
public enum Regions {
    public static let all: [Region] = [
        Region(kato: "710000000", nameRu: "Астана", nameKk: "Астана", nameEn: "Astana", latitude: 51.169, longitude: 71.449, populationThousands: 1_420, urbanShare: 1),
        Region(kato: "750000000", nameRu: "Алматы", nameKk: "Алматы", nameEn: "Almaty", latitude: 43.238, longitude: 76.889, populationThousands: 2_230, urbanShare: 1),
        Region(kato: "790000000", nameRu: "Шымкент", nameKk: "Шымкент", nameEn: "Shymkent", latitude: 42.317, longitude: 69.587, populationThousands: 1_220, urbanShare: 1),
        Region(kato: "100000000", nameRu: "Абайская область", nameKk: "Абай облысы", nameEn: "Abai Region", latitude: 50.411, longitude: 80.227, populationThousands: 605, urbanShare: 0.62),
        Region(kato: "110000000", nameRu: "Акмолинская область", nameKk: "Ақмола облысы", nameEn: "Akmola Region", latitude: 53.284, longitude: 69.397, populationThousands: 785, urbanShare: 0.50),
        Region(kato: "150000000", nameRu: "Актюбинская область", nameKk: "Ақтөбе облысы", nameEn: "Aktobe Region", latitude: 50.283, longitude: 57.167, populationThousands: 930, urbanShare: 0.66),
        Region(kato: "190000000", nameRu: "Алматинская область", nameKk: "Алматы облысы", nameEn: "Almaty Region", latitude: 43.867, longitude: 77.067, populationThousands: 1_520, urbanShare: 0.30),
        Region(kato: "230000000", nameRu: "Атырауская область", nameKk: "Атырау облысы", nameEn: "Atyrau Region", latitude: 47.107, longitude: 51.914, populationThousands: 700, urbanShare: 0.56),
        Region(kato: "270000000", nameRu: "Западно-Казахстанская область", nameKk: "Батыс Қазақстан облысы", nameEn: "West Kazakhstan Region", latitude: 51.227, longitude: 51.387, populationThousands: 690, urbanShare: 0.52),
        Region(kato: "310000000", nameRu: "Жамбылская область", nameKk: "Жамбыл облысы", nameEn: "Jambyl Region", latitude: 42.900, longitude: 71.367, populationThousands: 1_220, urbanShare: 0.42),
        Region(kato: "330000000", nameRu: "Жетысуская область", nameKk: "Жетісу облысы", nameEn: "Jetisu Region", latitude: 45.017, longitude: 78.373, populationThousands: 700, urbanShare: 0.45),
        Region(kato: "350000000", nameRu: "Карагандинская область", nameKk: "Қарағанды облысы", nameEn: "Karaganda Region", latitude: 49.806, longitude: 73.085, populationThousands: 1_130, urbanShare: 0.83),
        Region(kato: "390000000", nameRu: "Костанайская область", nameKk: "Қостанай облысы", nameEn: "Kostanay Region", latitude: 53.214, longitude: 63.624, populationThousands: 830, urbanShare: 0.57),
        Region(kato: "430000000", nameRu: "Кызылординская область", nameKk: "Қызылорда облысы", nameEn: "Kyzylorda Region", latitude: 44.853, longitude: 65.509, populationThousands: 840, urbanShare: 0.45),
        Region(kato: "470000000", nameRu: "Мангистауская область", nameKk: "Маңғыстау облысы", nameEn: "Mangystau Region", latitude: 43.651, longitude: 51.158, populationThousands: 780, urbanShare: 0.41),
        Region(kato: "550000000", nameRu: "Павлодарская область", nameKk: "Павлодар облысы", nameEn: "Pavlodar Region", latitude: 52.287, longitude: 76.967, populationThousands: 750, urbanShare: 0.71),
        Region(kato: "590000000", nameRu: "Северо-Казахстанская область", nameKk: "Солтүстік Қазақстан облысы", nameEn: "North Kazakhstan Region", latitude: 54.875, longitude: 69.163, populationThousands: 530, urbanShare: 0.48),
        Region(kato: "610000000", nameRu: "Туркестанская область", nameKk: "Түркістан облысы", nameEn: "Turkistan Region", latitude: 43.297, longitude: 68.251, populationThousands: 2_110, urbanShare: 0.20),
        Region(kato: "620000000", nameRu: "Улытауская область", nameKk: "Ұлытау облысы", nameEn: "Ulytau Region", latitude: 47.783, longitude: 67.714, populationThousands: 220, urbanShare: 0.80),
        Region(kato: "630000000", nameRu: "Восточно-Казахстанская область", nameKk: "Шығыс Қазақстан облысы", nameEn: "East Kazakhstan Region", latitude: 49.948, longitude: 82.628, populationThousands: 730, urbanShare: 0.66),
    ]

    /// The region of a KATO code, else by its Russian, Kazakh or English name (as `Patient.address.state` holds it).
    public static func find(_ codeOrName: String) -> Region? {
        if let r = Region.of(kato: codeOrName) { return r }
        let name = codeOrName.lowercased()
        return all.first { $0.nameRu.lowercased() == name || $0.nameKk.lowercased() == name || $0.nameEn.lowercased() == name }
    }

    /// Total population in thousands (≈ 20 million).
    public static var populationThousands: Int { all.reduce(0) { $0 + $1.populationThousands } }
}
