// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Densauluq",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "densauluq", targets: ["densauluq"]),
    ],
    dependencies: [
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.32.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.0"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        // JSON value that keeps number literals and key order, so resources read back byte-for-byte in meaning.
        .target(name: "FHIRJSON"),
        // Tables generated from ../shared/fhir/r4 (Scripts/generate_fhir_definitions.py): types, elements, search parameters, compartment.
        .target(name: "FHIRDefinitions"),
        // Validation of resources against the R4 JSON schema tables and Kazakhstan identity rules (ИИН).
        .target(name: "FHIRValidation", dependencies: ["FHIRJSON", "FHIRDefinitions"]),
        // Storage, indexing, search, history and transactions over SQLKit (SQLite and PostgreSQL).
        .target(name: "FHIRStore", dependencies: [
            "FHIRJSON", "FHIRDefinitions", "FHIRValidation",
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "SQLiteKit", package: "sqlite-kit"),
            .product(name: "PostgresKit", package: "postgres-kit"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // FHIR REST API over Hummingbird.
        .target(name: "FHIRServer", dependencies: [
            "FHIRJSON", "FHIRDefinitions", "FHIRStore", "Identity", "Audit", "AccessControl",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Accounts, roles, sign-in, access and refresh tokens (bcrypt, JWT).
        .target(name: "Identity", dependencies: [
            "FHIRStore", "FHIRValidation",
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The append-only, hash-chained audit trail of access to health data, and its verification.
        // A deterministic synthetic Kazakhstan (regions, organisations, catchment areas, people, attachments) for demos, tests and benchmarks.
        .target(name: "SyntheticKazakhstan", dependencies: ["KazakhstanRegions", "FHIRJSON", "FHIRValidation", "FHIRStore", "PrimaryCare", "Surveillance", "StatePlans", "StrategyMonitoring", .product(name: "SQLKit", package: "sql-kit")]),
        // Primary care services of seed 002 sphere 1: attachment (1.1).
        .target(name: "PrimaryCare", dependencies: ["FHIRJSON", "FHIRStore", .product(name: "SQLKit", package: "sql-kit")]),
        // The primary-care services as FHIR operations ($attach, $detach, $auto-attach).
        .target(name: "PrimaryCareAPI", dependencies: ["PrimaryCare", "FHIRServer", "FHIRStore", "FHIRJSON", "Identity"]),
        // Outbreak detection algorithms of the R package surveillance 1.20.3 (EARS C1-C3, Farrington, farringtonFlexible), no I/O.
        .target(name: "OutbreakDetection"),
        // Clinical code systems the platform ships (ICD-10 in Russian, Kazakh and English) and search in them.
        .target(name: "Terminology", resources: [.copy("Resources")]),
        // The state plans of the seeds as data (indicators, measures, deadlines, budgets, reporting cycles) and
        // the consistency checks of their arithmetic; no I/O beyond its bundled files.
        .target(name: "StatePlans", resources: [.copy("Resources")]),
        // Word (.docx) and Excel (.xlsx) documents of reports (the consolidated report on the state plans), made in memory.
        .target(name: "ReportDocuments", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // Strategy monitoring (issue 7): executors' progress per measure and reporting period, indicator facts, and
        // the indicators computed from the platform's data as MeasureReports.
        .target(name: "StrategyMonitoring", dependencies: ["StatePlans", "ReportDocuments", "FHIRStore", "FHIRJSON", "KazakhstanRegions", .product(name: "SQLKit", package: "sql-kit")]),
        // Infectious-disease surveillance (seed 002 sphere 5, seed 000): emergency notifications, the case journal, counts.
        .target(name: "Surveillance", dependencies: [
            "FHIRStore", "FHIRJSON", "AccessControl", "KazakhstanRegions", "PandemicRegime", "OutbreakDetection", .product(name: "SQLKit", package: "sql-kit"),
        ]),
        // The surveillance services as FHIR operations ($notify, $set-case-status, $journal, $case-counts).
        .target(name: "SurveillanceAPI", dependencies: ["Surveillance", "FHIRServer", "FHIRStore", "FHIRJSON", "Identity", "KazakhstanRegions"]),
        // The web application: server-rendered pages (Mustache) in Russian, Kazakh and English, signed in with a session cookie.
        .target(name: "WebApp", dependencies: [
            "Terminology", "FHIRValidation", "StatePlans", "StrategyMonitoring",
            "FHIRStore", "FHIRJSON", "Identity", "Audit", "AccessControl", "Surveillance", "PrimaryCare", "KazakhstanRegions",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Crypto", package: "swift-crypto"),
        ], resources: [.copy("Resources")]),
        // Reference data of the country: the 20 regions with KATO codes, names in three languages and population.
        .target(name: "KazakhstanRegions"),
        // The pandemic plan's restriction rule (seed 000, 7.1): reproduction number (Cori et al. 2013) and bed occupancy.
        .target(name: "PandemicRegime"),
        // Who may read and write what: role rules and SMART scopes turned into the store's AccessScope.
        .target(name: "AccessControl", dependencies: [
            "FHIRStore", "FHIRDefinitions", "FHIRValidation", "Identity", .product(name: "SQLKit", package: "sql-kit"),
        ]),
        .target(name: "Audit", dependencies: [
            "FHIRStore", "FHIRJSON",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // OAuth2 token, revocation and SMART configuration endpoints over Hummingbird.
        .target(name: "IdentityAPI", dependencies: [
            "Identity", "FHIRStore", "FHIRJSON",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        // The outbreak-detection speed benchmark against R and the measured detection study (Benchmarks/outbreak_detection.py).
        .executableTarget(name: "outbreak-benchmark", dependencies: ["OutbreakDetection"], path: "Benchmarks/OutbreakDetection"),
        .executableTarget(name: "densauluq", dependencies: [
            "FHIRStore", "FHIRServer", "FHIRJSON", "Identity", "IdentityAPI", "Audit", "SyntheticKazakhstan", "PrimaryCare", "PrimaryCareAPI", "SurveillanceAPI", "Surveillance", "OutbreakDetection", "WebApp", "StatePlans", "StrategyMonitoring",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "FHIRJSONTests", dependencies: ["FHIRJSON"]),
        .testTarget(name: "OutbreakDetectionTests", dependencies: ["OutbreakDetection"], exclude: ["Fixtures"]),
        .testTarget(name: "PandemicRegimeTests", dependencies: ["PandemicRegime"], exclude: ["Fixtures"]),
        .testTarget(name: "SurveillanceTests", dependencies: [
            "Surveillance", "SurveillanceAPI", "FHIRServer", "FHIRStore", "FHIRJSON", "KazakhstanRegions", "Identity", "DatabaseTesting",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "WebAppTests", dependencies: [
            "WebApp", "Surveillance", "SyntheticKazakhstan", "PrimaryCare", "FHIRStore", "FHIRJSON", "FHIRValidation", "Identity", "Audit", "DatabaseTesting",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "SyntheticKazakhstanTests", dependencies: ["SyntheticKazakhstan", "FHIRStore", "FHIRJSON", "FHIRValidation", "DatabaseTesting"]),
        .testTarget(name: "FHIRDefinitionsTests", dependencies: ["FHIRDefinitions"]),
        .testTarget(name: "FHIRValidationTests", dependencies: ["FHIRValidation", "FHIRJSON"]),
        // Fresh SQLite and PostgreSQL databases for tests of every module that stores data.
        .target(name: "DatabaseTesting", dependencies: [
            "FHIRStore", .product(name: "SQLKit", package: "sql-kit"), .product(name: "Logging", package: "swift-log"),
        ], path: "Tests/DatabaseTesting"),
        .testTarget(name: "FHIRStoreTests", dependencies: ["FHIRStore", "FHIRJSON", "DatabaseTesting"]),
        .testTarget(name: "AuditTests", dependencies: ["Audit", "FHIRStore", "DatabaseTesting", .product(name: "SQLKit", package: "sql-kit")]),
        .testTarget(name: "IdentityTests", dependencies: [
            "Identity", "IdentityAPI", "FHIRStore", "FHIRJSON", "DatabaseTesting",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "TerminologyTests", dependencies: ["Terminology"]),
        .testTarget(name: "StatePlansTests", dependencies: ["StatePlans"]),
        .testTarget(name: "ReportDocumentsTests", dependencies: ["ReportDocuments", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "StrategyMonitoringTests", dependencies: [
            "StrategyMonitoring", "StatePlans", "ReportDocuments", "FHIRStore", "FHIRJSON", "DatabaseTesting", .product(name: "ZIPFoundation", package: "ZIPFoundation"), "SyntheticKazakhstan", "Surveillance", "Audit", "PrimaryCare", "KazakhstanRegions",
        ]),
        .testTarget(name: "PrimaryCareTests", dependencies: [
            "PrimaryCare", "PrimaryCareAPI", "FHIRServer", "FHIRStore", "FHIRJSON", "FHIRValidation", "Identity", "Audit", "DatabaseTesting",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "FHIRServerTests", dependencies: [
            "FHIRServer", "FHIRStore", "FHIRJSON", "FHIRValidation", "Identity", "Audit", "AccessControl", "DatabaseTesting",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
    ]
)
