// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Densauluq",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "densauluq", targets: ["densauluq"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.32.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.0"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.13.0"),
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
            "FHIRJSON", "FHIRDefinitions", "FHIRStore",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "densauluq", dependencies: [
            "FHIRStore", "FHIRServer", "FHIRJSON",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "FHIRJSONTests", dependencies: ["FHIRJSON"]),
        .testTarget(name: "FHIRDefinitionsTests", dependencies: ["FHIRDefinitions"]),
        .testTarget(name: "FHIRValidationTests", dependencies: ["FHIRValidation", "FHIRJSON"]),
        .testTarget(name: "FHIRStoreTests", dependencies: ["FHIRStore", "FHIRJSON"]),
        .testTarget(name: "FHIRServerTests", dependencies: [
            "FHIRServer", "FHIRStore", "FHIRJSON",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
    ]
)
