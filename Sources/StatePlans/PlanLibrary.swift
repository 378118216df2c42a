import Foundation

/// Why a plan could not be loaded. The ``description`` names the file and, for bad data, the JSON path.
public enum PlanLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The module's `Resources/plans` directory is missing from the bundle.
    case missingResources
    /// A file could not be read.
    case unreadable(file: String, reason: String)
    /// A file is not valid JSON or does not have the plan format; `path` is like `measures[11].budget[2].value`.
    case invalid(file: String, path: String, reason: String)
    /// No shipped plan has this id.
    case unknownPlan(String)

    public var description: String {
        switch self {
        case .missingResources:
            return "the StatePlans resources (Resources/plans) are not in the bundle"
        case let .unreadable(file, reason):
            return "\(file) could not be read: \(reason)"
        case let .invalid(file, path, reason):
            return "\(file) at \(path.isEmpty ? "the top level" : path): \(reason)"
        case let .unknownPlan(id):
            return "no shipped plan has the id '\(id)'"
        }
    }
}

/// The plans shipped with the module (`Resources/plans/*.json`), by id.
public struct PlanLibrary: Sendable {
    /// In file order (000, 001, …).
    public let plans: [Plan]

    public init(plans: [Plan]) { self.plans = plans }

    /// Reads every shipped plan (each call reads the files again: keep the result).
    /// - Throws: `PlanLoadError` naming the first file that is missing, unreadable or malformed.
    public static func shipped() throws(PlanLoadError) -> PlanLibrary {
        guard let root = Bundle.module.url(forResource: "Resources", withExtension: nil) else { throw .missingResources }
        let directory = root.appendingPathComponent("plans")
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "json" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw .missingResources
        }
        var plans: [Plan] = []
        for file in files {
            let data: Data
            do { data = try Data(contentsOf: file) } catch {
                throw .unreadable(file: file.lastPathComponent, reason: error.localizedDescription)
            }
            plans.append(try Plan.decode(data, file: file.lastPathComponent))
        }
        return PlanLibrary(plans: plans)
    }

    public var ids: [String] { plans.map(\.id) }

    /// The plan with this id.
    /// - Throws: `PlanLoadError.unknownPlan`.
    public func plan(_ id: String) throws(PlanLoadError) -> Plan {
        guard let plan = plans.first(where: { $0.id == id }) else { throw .unknownPlan(id) }
        return plan
    }
}

extension Plan {
    /// A plan from its JSON file's bytes; `file` names it in errors.
    /// - Throws: `PlanLoadError.invalid` with the JSON path of the value that does not fit.
    public static func decode(_ data: Data, file: String) throws(PlanLoadError) -> Plan {
        do {
            return try JSONDecoder().decode(Plan.self, from: data)
        } catch let error as DecodingError {
            let (path, reason) = Self.explain(error)
            throw .invalid(file: file, path: path, reason: reason)
        } catch {
            throw .invalid(file: file, path: "", reason: String(describing: error))
        }
    }

    /// The JSON path (`measures[11].budget[2].value`) and a short reason of a decoding error.
    static func explain(_ error: DecodingError) -> (path: String, reason: String) {
        func render(_ keys: [any CodingKey]) -> String {
            keys.reduce(into: "") { path, key in
                if let index = key.intValue { path += "[\(index)]" } else { path += path.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
        }
        switch error {
        case let .typeMismatch(type, context):
            return (render(context.codingPath), "expected \(type): \(context.debugDescription)")
        case let .valueNotFound(type, context):
            return (render(context.codingPath), "missing \(type) value: \(context.debugDescription)")
        case let .keyNotFound(key, context):
            return (render(context.codingPath + [key]), "required key '\(key.stringValue)' is missing")
        case let .dataCorrupted(context):
            return (render(context.codingPath), context.debugDescription)
        @unknown default:
            return ("", String(describing: error))
        }
    }
}
