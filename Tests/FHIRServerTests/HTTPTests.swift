import FHIRJSON
import FHIRServer
import FHIRStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The REST API through HTTP: status codes, headers and OperationOutcome bodies.
@Suite struct HTTPTests {
    func withApp(maxBody: Int = 1 << 20, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("densauluq-http-\(UUID().uuidString).sqlite").path
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let db = try Database(.sqlite(path: path), logger: logger)
        try await Migrations.run(on: db)
        let repo = Repository(database: db, logger: logger)
        let app = Application(router: ServerApplication.router(repository: repo, maxBodySize: maxBody))
        do { try await app.test(.router, body) } catch { await db.shutdown(); throw error }
        await db.shutdown()
        for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) }
    }

    static func body(_ r: TestResponse) -> JSON { (try? JSONParser.parse(Array(r.body.readableBytesView))) ?? .null }
    static let fhirJSON: HTTPFields = [.contentType: "application/fhir+json"]

    @Test func createReadAndHeaders() async throws {
        try await withApp { client in
            let p = #"{"resourceType":"Patient","name":[{"family":"Kim"}],"gender":"male"}"#
            let created = try await client.execute(uri: "/fhir/Patient", method: .post, headers: Self.fhirJSON, body: ByteBuffer(string: p))
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == "W/\"1\"")
            let location = try #require(created.headers[.location])
            #expect(location.contains("/fhir/Patient/") && location.hasSuffix("/_history/1"))
            #expect(created.headers[.contentType]?.hasPrefix("application/fhir+json") == true)
            let id = try #require(Self.body(created)["id"]?.stringValue)
            let read = try await client.execute(uri: "/fhir/Patient/\(id)", method: .get)
            #expect(read.status == .ok)
            #expect(Self.body(read)["name"]?.arrayValue?.first?["family"]?.stringValue == "Kim")
            // Last-Modified is meta.lastUpdated in RFC 7231 form, and read and vread agree on the body.
            let readBody = Self.body(read)
            let lastUpdated = try #require(readBody["meta"]?["lastUpdated"]?.stringValue)
            let iso = ISO8601DateFormatter()
            iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let http = DateFormatter()
            http.locale = Locale(identifier: "en_US_POSIX")
            http.timeZone = TimeZone(identifier: "GMT")
            http.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let date = try #require(iso.date(from: lastUpdated) ?? ISO8601DateFormatter().date(from: lastUpdated))
            #expect(read.headers[.lastModified] == http.string(from: date))
            #expect(read.headers[.eTag] == "W/\"1\"")
            let firstVersion = try await client.execute(uri: "/fhir/Patient/\(id)/_history/1", method: .get)
            #expect(Self.body(firstVersion) == readBody)

            // Stale If-Match → 412 with an OperationOutcome.
            let upd = #"{"resourceType":"Patient","id":"\#(id)","name":[{"family":"Kim"}],"gender":"female"}"#
            let ok = try await client.execute(uri: "/fhir/Patient/\(id)", method: .put, headers: [.contentType: "application/fhir+json", .ifMatch: "W/\"1\""], body: ByteBuffer(string: upd))
            #expect(ok.status == .ok)
            let stale = try await client.execute(uri: "/fhir/Patient/\(id)", method: .put, headers: [.contentType: "application/fhir+json", .ifMatch: "W/\"1\""], body: ByteBuffer(string: upd.replacingOccurrences(of: "female", with: "male")))
            #expect(stale.status == .preconditionFailed)
            #expect(Self.body(stale)["resourceType"]?.stringValue == "OperationOutcome")

            // Conditional read: the current version's ETag (weak or as a strong tag) or a date not older than it is a
            // 304 without a body; an older ETag or date gets the resource.
            let current = try #require(ok.headers[.eTag])
            let modified = try #require(ok.headers[.lastModified])
            for headers: HTTPFields in [[.ifNoneMatch: current], [.ifNoneMatch: String(current.dropFirst(2))], [.ifNoneMatch: "W/\"9\", " + current],
                                        [.ifModifiedSince: modified], [.ifModifiedSince: "Fri, 01 Jan 2100 00:00:00 GMT"]] {
                let conditional = try await client.execute(uri: "/fhir/Patient/\(id)", method: .get, headers: headers)
                #expect(conditional.status == .notModified, "\(headers)")
                #expect(conditional.body.readableBytes == 0 && conditional.headers[.eTag] == current)
            }
            for headers: HTTPFields in [[.ifNoneMatch: "W/\"1\""], [.ifModifiedSince: "Mon, 01 Jan 2001 00:00:00 GMT"],
                                        [.ifNoneMatch: "W/\"1\"", .ifModifiedSince: modified], [.ifModifiedSince: "yesterday"]] {
                let conditional = try await client.execute(uri: "/fhir/Patient/\(id)", method: .get, headers: headers)
                #expect(conditional.status == .ok, "\(headers)")
                #expect(Self.body(conditional)["gender"]?.stringValue == "female")
            }

            let search = try await client.execute(uri: "/fhir/Patient/_search", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: "family=kim&_count=5"))
            #expect(search.status == .ok)
            #expect(Self.body(search)["total"]?.numberLiteral == "1")

            let del = try await client.execute(uri: "/fhir/Patient/\(id)", method: .delete)
            #expect(del.status == .noContent)
            let gone = try await client.execute(uri: "/fhir/Patient/\(id)", method: .get)
            #expect(gone.status == .gone)
            let history = try await client.execute(uri: "/fhir/Patient/\(id)/_history", method: .get)
            #expect(Self.body(history)["total"]?.numberLiteral == "3")
            let vread = try await client.execute(uri: "/fhir/Patient/\(id)/_history/1", method: .get)
            #expect(Self.body(vread)["gender"]?.stringValue == "male")
        }
    }

    @Test func badInputGetsOperationOutcomes() async throws {
        try await withApp(maxBody: 2048) { client in
            let malformed = try await client.execute(uri: "/fhir/Patient", method: .post, headers: Self.fhirJSON, body: ByteBuffer(string: #"{"resourceType":"Patient","#))
            #expect(malformed.status == .badRequest)
            #expect(Self.body(malformed)["issue"]?.arrayValue?.first?["diagnostics"]?.stringValue?.contains("line 1") == true)
            let unknown = try await client.execute(uri: "/fhir/Spaceship", method: .get)
            #expect(unknown.status == .notFound)
            #expect(Self.body(unknown)["resourceType"]?.stringValue == "OperationOutcome")
            let big = try await client.execute(uri: "/fhir/Patient", method: .post, headers: Self.fhirJSON,
                                               body: ByteBuffer(string: #"{"resourceType":"Patient","name":[{"text":""# + String(repeating: "x", count: 5000) + #""}]}"#))
            #expect(big.status == .contentTooLarge)
            #expect(Self.body(big)["resourceType"]?.stringValue == "OperationOutcome")
            let invalid = try await client.execute(uri: "/fhir/Observation", method: .post, headers: Self.fhirJSON,
                                                   body: ByteBuffer(string: #"{"resourceType":"Observation","status":"done","code":{"text":"x"},"valueQuantity":{"value":"7"}}"#))
            #expect(invalid.status == .unprocessableContent)
            let expressions = (Self.body(invalid)["issue"]?.arrayValue ?? []).compactMap { $0["expression"]?.arrayValue?.first?.stringValue }
            #expect(expressions.contains("Observation.status"))
            #expect(expressions.contains("Observation.valueQuantity.value"))
            let missing = try await client.execute(uri: "/fhir/Patient/does-not-exist", method: .get)
            #expect(missing.status == .notFound)
            let badSearch = try await client.execute(uri: "/fhir/Patient?birthdate=someday", method: .get)
            #expect(badSearch.status == .badRequest)
        }
    }

    @Test func capabilityStatementListsWhatWorks() async throws {
        try await withApp { client in
            let r = try await client.execute(uri: "/fhir/metadata", method: .get)
            #expect(r.status == .ok)
            let cs = Self.body(r)
            #expect(cs["fhirVersion"]?.stringValue == "4.0.1")
            let resources = cs["rest"]?.arrayValue?.first?["resource"]?.arrayValue ?? []
            let types = Set(resources.compactMap { $0["type"]?.stringValue })
            #expect(types.count == FHIRDefinitionsCount.supported)
            let patient = resources.first { $0["type"]?.stringValue == "Patient" }
            let params = Set((patient?["searchParam"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue })
            #expect(params.isSuperset(of: ["family", "birthdate", "identifier", "_id", "_lastUpdated"]))
            // Parameters we cannot evaluate are not claimed.
            #expect(!params.contains("phone") && !params.contains("deceased"))
            // The specification's operations, under the specification's definitions, and the Patient compartment.
            let interactions = (patient?["interaction"]?.arrayValue ?? []).compactMap { $0["code"]?.stringValue }
            #expect(interactions.contains("patch"))
            let operations = (patient?["operation"]?.arrayValue ?? []).compactMap { $0["definition"]?.stringValue }
            #expect(operations.contains("http://hl7.org/fhir/OperationDefinition/Patient-everything"))
            #expect(operations.filter { $0 == "http://hl7.org/fhir/OperationDefinition/Resource-validate" }.count == 1)
            let observation = resources.first { $0["type"]?.stringValue == "Observation" }
            #expect(observation?["operation"]?.arrayValue?.contains { $0["name"]?.stringValue == "validate" } == true)
            #expect(cs["rest"]?.arrayValue?.first?["compartment"]?.arrayValue?.first?.stringValue == "http://hl7.org/fhir/CompartmentDefinition/patient")
        }
    }

    @Test func patientRecordAndValidateOverHTTP() async throws {
        try await withApp { client in
            let p = #"{"resourceType":"Patient","name":[{"family":"Nurlanova"}],"gender":"female"}"#
            let created = try await client.execute(uri: "/fhir/Patient", method: .post, headers: Self.fhirJSON, body: ByteBuffer(string: p))
            let id = try #require(Self.body(created)["id"]?.stringValue)
            let o = #"{"resourceType":"Observation","status":"final","code":{"text":"pulse"},"subject":{"reference":"Patient/\#(id)"}}"#
            #expect(try await client.execute(uri: "/fhir/Observation", method: .post, headers: Self.fhirJSON, body: ByteBuffer(string: o)).status == .created)

            let record = try await client.execute(uri: "/fhir/Patient/\(id)/$everything", method: .get)
            #expect(record.status == .ok)
            let types = (Self.body(record)["entry"]?.arrayValue ?? []).compactMap { $0["resource"]?["resourceType"]?.stringValue }
            #expect(types == ["Patient", "Observation"])
            let compartment = try await client.execute(uri: "/fhir/Patient/\(id)/Observation?_count=5", method: .get)
            #expect(compartment.status == .ok)
            #expect(Self.body(compartment)["total"]?.numberLiteral == "1")
            #expect(try await client.execute(uri: "/fhir/Encounter/\(id)/Observation", method: .get).status == .notFound)
            let unsupported = try await client.execute(uri: "/fhir/Patient/\(id)/$everything?_sort=_lastUpdated", method: .get)
            #expect(unsupported.status == .badRequest)

            // $validate answers 200 with the problems, or with none; nothing is stored either way.
            let bad = #"{"resourceType":"Observation","status":"maybe","code":{"text":"x"}}"#
            let checked = try await client.execute(uri: "/fhir/Observation/$validate", method: .post, headers: Self.fhirJSON, body: ByteBuffer(string: bad))
            #expect(checked.status == .ok)
            let issues = Self.body(checked)["issue"]?.arrayValue ?? []
            #expect(issues.contains { $0["severity"]?.stringValue == "error" && $0["expression"]?.arrayValue?.first?.stringValue == "Observation.status" })
            let wrapped = #"{"resourceType":"Parameters","parameter":[{"name":"resource","resource":\#(o)}]}"#
            let fine = try await client.execute(uri: "/fhir/Observation/$validate", method: .post, headers: Self.fhirJSON, body: ByteBuffer(string: wrapped))
            #expect(Self.body(fine)["issue"]?.arrayValue?.first?["severity"]?.stringValue == "information")
            let count = try await client.execute(uri: "/fhir/Observation?_summary=count", method: .get)
            #expect(Self.body(count)["total"]?.numberLiteral == "1")
        }
    }
}

enum FHIRDefinitionsCount { static let supported = 41 }
