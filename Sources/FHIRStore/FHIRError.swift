import FHIRJSON

/// One problem to report in an OperationOutcome.
public struct OutcomeIssue: Sendable, Equatable {
    public var severity: String
    /// FHIR issue-type code (`invalid`, `not-found`, `conflict`, `processing`, `not-supported`, ...).
    public var code: String
    public var diagnostics: String
    /// FHIRPath of the element at fault, when there is one.
    public var expression: String?

    public init(severity: String = "error", code: String, diagnostics: String, expression: String? = nil) {
        self.severity = severity
        self.code = code
        self.diagnostics = diagnostics
        self.expression = expression
    }
}

/// An error of a FHIR interaction: the HTTP status it maps to and every problem found.
public struct FHIRError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var issues: [OutcomeIssue]

    public init(status: Int, issues: [OutcomeIssue]) {
        self.status = status
        self.issues = issues
    }

    public init(_ status: Int, _ code: String, _ diagnostics: String, expression: String? = nil) {
        self.init(status: status, issues: [OutcomeIssue(code: code, diagnostics: diagnostics, expression: expression)])
    }

    public var description: String { "HTTP \(status): " + issues.map(\.diagnostics).joined(separator: "; ") }

    /// The description with at most `limit` issues and a count of the rest (a file of 500 resources can have
    /// hundreds of problems; a terminal line needs the first few).
    public func summary(limit: Int = 3) -> String {
        let shown = issues.prefix(limit).map { i in i.expression.map { "\(i.diagnostics) (\($0))" } ?? i.diagnostics }
        let more = issues.count > limit ? "; and \(issues.count - limit) more" : ""
        return "HTTP \(status): " + shown.joined(separator: "; ") + more
    }

    /// Whether every problem is a reference to a resource that does not exist (a write's reference check, 422).
    public var isMissingReferences: Bool {
        status == 422 && !issues.isEmpty && issues.allSatisfy { $0.code == "not-found" }
    }

    public static func notFound(_ type: String, _ id: String) -> FHIRError {
        FHIRError(404, "not-found", "\(type)/\(id) is not known")
    }
    public static func gone(_ type: String, _ id: String) -> FHIRError {
        FHIRError(410, "deleted", "\(type)/\(id) has been deleted")
    }
    public static func badRequest(_ diagnostics: String, expression: String? = nil) -> FHIRError {
        FHIRError(400, "invalid", diagnostics, expression: expression)
    }

    /// The OperationOutcome resource for this error.
    public var operationOutcome: JSON { OperationOutcome.make(issues) }
}

public enum OperationOutcome {
    public static func make(_ issues: [OutcomeIssue]) -> JSON {
        var outcome = JSONObject()
        outcome["resourceType"] = "OperationOutcome"
        outcome["issue"] = .array(issues.map { issue in
            var o = JSONObject()
            o["severity"] = .string(issue.severity)
            o["code"] = .string(issue.code)
            o["diagnostics"] = .string(issue.diagnostics)
            if let e = issue.expression { o["expression"] = [.string(e)] }
            return .object(o)
        })
        return .object(outcome)
    }

    public static func information(_ text: String) -> JSON {
        make([OutcomeIssue(severity: "information", code: "informational", diagnostics: text)])
    }
}
