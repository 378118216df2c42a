import FHIRDefinitions
import SQLKit
import Synchronization

/// What one request may read and write, expressed as SQL that the store adds to its own queries.
///
/// The store enforces it in the few places where rows are read or written (`read`, `vread`, search with
/// `_include`/`_revinclude`, history, the resource writer and delete), so every interaction — REST, conditional
/// operations and Bundle entries alike — passes the same checks. Who gets which scope is decided outside the
/// store (module `AccessControl`); the store only knows patient compartments, resource types and owners.
///
/// The scope of a request is a task-local value (`AccessScope.$current.withValue(scope) { … }`). Its default,
/// `unrestricted`, is what command-line tools and embedded uses without a signed-in person get.
public struct AccessScope: Sendable {
    /// Which patient compartments a scope covers.
    public enum Patients: Sendable {
        case all
        case none
        /// The covered patients as a condition on a compartment id (`PatientCondition`).
        case matching(PatientCondition)

        /// The patients a subquery selects (`SELECT compartment FROM …`), for sets that are small or only
        /// searched as a whole.
        public static func query(_ subquery: SQLQueryString) -> Patients { .matching(.subquery(subquery)) }
    }

    /// Whether a patient compartment id belongs to a set of patients, as SQL on any expression for that id.
    ///
    /// A set can be a subquery (`expr IN (SELECT …)`), which the database evaluates once per statement — all of
    /// it, whatever the statement reads — or a probe for the one patient at hand (`EXISTS (SELECT … WHERE
    /// compartment = expr …)`), which an index answers in a few steps. A clinician's patients are a probe: read
    /// by id as a subquery, every read of a polyclinic's record listed all references to the polyclinic first.
    public struct PatientCondition: Sendable {
        private let make: @Sendable (SQLQueryString) -> SQLQueryString

        /// `make(expr)`: the condition that the compartment id `expr` is one of the set.
        public init(_ make: @escaping @Sendable (SQLQueryString) -> SQLQueryString) { self.make = make }

        public static func subquery(_ subquery: SQLQueryString) -> PatientCondition {
            PatientCondition { expr in expr + " IN (" + subquery + ")" }
        }

        /// The condition on the compartment id `expr` (an SQL expression such as `r.compartment`).
        public func callAsFunction(_ expr: SQLQueryString) -> SQLQueryString { make(expr) }
    }

    /// Which resource types a scope covers.
    public enum Types: Sendable {
        case all
        case only(Set<String>)

        func contains(_ type: String) -> Bool {
            switch self {
            case .all: true
            case .only(let set): set.contains(type)
            }
        }
    }

    /// Patients whose records may be read.
    public var read: Patients
    /// Patients whose records may be created, changed or deleted.
    public var write: Patients
    public var readTypes: Types
    public var writeTypes: Types
    /// Extra conditions on readable rows of a type, written on the alias `r` of `resources`
    /// (an epidemiologist reads only the notifiable Conditions of a patient).
    public var rowConditions: [String: SQLQueryString]
    /// Searches of patient data must name a patient or an identifier, so the scope cannot be used to browse.
    public var searchNeedsPatient: Bool
    /// The organisation that writes: written resources get `meta.source = owner`.
    public var owner: String?
    /// Only resources with `meta.source == owner` may be changed or deleted (an information system changes only
    /// its own organisation's data).
    public var ownedOnly: Bool
    /// Who holds the scope, for refusals ("clinician at Organization/12").
    public var holder: String
    /// Patient-data types whose rows without a patient are population-level and readable by anyone who may read
    /// the type (a MeasureReport of type `summary` has no subject). Other patient-data rows without a patient —
    /// a subject given only by identifier or absolute URL — stay closed to limited scopes.
    public var populationTypes: Set<String> = ["MeasureReport"]

    public init(read: Patients, write: Patients, readTypes: Types = .all, writeTypes: Types = .all,
                rowConditions: [String: SQLQueryString] = [:], searchNeedsPatient: Bool = false, owner: String? = nil, ownedOnly: Bool = false,
                holder: String) {
        self.read = read
        self.write = write
        self.readTypes = readTypes
        self.writeTypes = writeTypes
        self.rowConditions = rowConditions
        self.searchNeedsPatient = searchNeedsPatient
        self.owner = owner
        self.ownedOnly = ownedOnly
        self.holder = holder
    }

    /// Everything: command-line tools, imports, and the system administrator.
    public static let unrestricted = AccessScope(read: .all, write: .all, holder: "unrestricted")

    /// The scope of the running request.
    @TaskLocal public static var current: AccessScope = .unrestricted

    public var isUnrestricted: Bool {
        if case .all = read, case .all = write, case .all = readTypes, case .all = writeTypes, rowConditions.isEmpty, owner == nil, !searchNeedsPatient {
            return true
        }
        return false
    }

    /// Whether resources of `type` are patient data (the patient compartment definition lists the type).
    public static func isPatientData(_ type: String) -> Bool {
        !PatientCompartment.parameters(for: type).isEmpty
    }

    // MARK: - Reads

    /// The condition a readable row of `type` meets, on alias `r`; nil when every row is readable.
    /// Throws 403 when the scope covers no row of the type.
    func readCondition(_ type: String) throws(FHIRError) -> SQLQueryString? {
        guard readTypes.contains(type) else { throw forbidden("read \(type) resources") }
        let row = rowConditions[type]
        guard Self.isPatientData(type) else { return row }
        let population = populationTypes.contains(type)
        let compartment: SQLQueryString
        switch read {
        case .all: return row
        case .none:
            guard population else { throw forbidden("read patient data (\(type))") }
            compartment = "r.compartment IS NULL"
        case .matching(let patients):
            compartment = population ? "(r.compartment IS NULL OR " + patients("r.compartment") + ")" : patients("r.compartment")
        }
        return row.map { compartment + " AND " + $0 } ?? compartment
    }

    /// Like `readCondition`, but a type outside the scope matches nothing instead of failing
    /// (what `_include` and `_revinclude` need: they drop what the reader may not see).
    func filterCondition(_ type: String) -> SQLQueryString? {
        do { return try readCondition(type) } catch { return "1 = 0" }
    }

    /// The condition on `resource_history` rows of `type` (no alias); throws 403 when history cannot be
    /// filtered for this scope (row conditions look at the current index only).
    func historyCondition(_ type: String?) throws(FHIRError) -> SQLQueryString? {
        guard let type else {
            if isUnrestricted { return nil }
            throw forbidden("read the history of the whole server")
        }
        guard readTypes.contains(type) else { throw forbidden("read \(type) resources") }
        if rowConditions[type] != nil { throw forbidden("read the history of \(type) resources") }
        guard Self.isPatientData(type) else { return nil }
        switch read {
        case .all: return nil
        case .none: throw forbidden("read patient data (\(type))")
        case .matching(let patients): return patients("resource_history.compartment")
        }
    }

    // MARK: - Writes

    /// Throws 403 unless resources of `type` may be written at all.
    func checkWritable(_ type: String, location: String?) throws(FHIRError) {
        guard writeTypes.contains(type) else { throw forbidden("write \(type) resources", location: location) }
        if Self.isPatientData(type), case .none = write { throw forbidden("write patient data (\(type))", location: location) }
    }

    /// The writable patients, nil when every patient is writable.
    var writablePatients: PatientCondition? {
        if case .matching(let patients) = write { return patients }
        return nil
    }

    func forbidden(_ what: String, location: String? = nil) -> FHIRError {
        FHIRError(403, "forbidden", "Access denied: the \(holder) may not \(what)", expression: location)
    }
}

/// The patient compartments a request touched, for the audit trail: the store adds the compartment of every row
/// it returns or writes while a trace is set (`AccessTrace.$current.withValue(trace) { … }`).
public final class AccessTrace: Sendable {
    private let state = Mutex<Set<String>>([])

    public init() {}

    @TaskLocal public static var current: AccessTrace?

    /// The patient ids touched so far, sorted.
    public var patients: [String] { state.withLock { $0.sorted() } }

    static func add(_ compartment: String?) {
        guard let compartment, let trace = current else { return }
        trace.state.withLock { _ = $0.insert(compartment) }
    }

    /// Records the patients a service read from its own tables (the journal of cases …), for the audit trail.
    public static func record(patients: some Sequence<String>) { add(patients) }

    static func add(_ compartments: some Sequence<String>) {
        guard let trace = current else { return }
        trace.state.withLock { $0.formUnion(compartments) }
    }
}
