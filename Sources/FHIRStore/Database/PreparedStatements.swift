import Logging
import PostgresKit
import Synchronization

/// Named prepared statements for the store's reads on PostgreSQL.
///
/// A read by key is a short query whose parsing and planning cost more than running it. A named statement is
/// parsed once per connection and, after a few runs, PostgreSQL keeps a generic plan for it, so repeated reads
/// skip the parser and planner. Only for statements whose plan does not depend on the values
/// (`Database.read(keyLookup:)`): generic plans of searches are wrong for skewed values.
///
/// PostgresNIO prepares statements whose name and SQL are static members of a type. Dynamic SQL gets a static
/// home in a slot: `Slot<A, B, C>` for 16 × 16 × 16 digit types, each slot bound for the life of the process to
/// the first SQL text (and parameter types) that claims it. When every slot is taken, queries run unprepared.
enum PreparedStatements {
    /// How many distinct statements may be prepared.
    static let capacity = 4096

    /// Runs `sql` with `binds` as a named prepared statement on `connection`, or returns false without running
    /// anything when the statement cannot be prepared (a bind of a type without a fixed PostgreSQL type, such as a
    /// NULL, or no free slot).
    static func execute(_ connection: PostgresConnection, sql: String, binds: [any Encodable & Sendable], logger: Logger,
                        onRow: @Sendable (any SQLRow) -> Void) async throws -> Bool {
        guard let (bindings, types) = encode(binds), let slot = registry.slot(sql: sql, types: types) else { return false }
        try await run(slots[slot], connection, bindings, logger, onRow)
        return true
    }

    private static func run<S: StatementSlot>(_ slot: S.Type, _ connection: PostgresConnection, _ bindings: PostgresBindings,
                                              _ logger: Logger, _ onRow: @Sendable (any SQLRow) -> Void) async throws {
        for try await row in try await connection.execute(SlotStatement<S>(bindings: bindings), logger: logger) {
            onRow(row.sql())
        }
    }

    /// The bindings and their PostgreSQL types, the same PostgresKit would send for an unnamed statement; nil when a
    /// value has no fixed type.
    static func encode(_ binds: [any Encodable & Sendable]) -> (PostgresBindings, [PostgresDataType])? {
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [PostgresDataType] = []
        types.reserveCapacity(binds.count)
        for bind in binds {
            switch bind {
            case let v as String: bindings.append(v); types.append(.text)
            case let v as Int: bindings.append(v); types.append(.int8)
            case let v as Int64: bindings.append(v); types.append(.int8)
            case let v as Int32: bindings.append(v); types.append(.int4)
            case let v as Double: bindings.append(v); types.append(.float8)
            case let v as Bool: bindings.append(v); types.append(.bool)
            default: return nil
            }
        }
        return (bindings, types)
    }

    /// Which SQL text each slot holds.
    final class Registry: Sendable {
        private struct Key: Hashable { var sql: String; var types: [UInt32] }
        private struct State { var byKey: [Key: Int] = [:]; var sql: [String] = []; var types: [[PostgresDataType]] = [] }
        private let state = Mutex(State())

        /// The slot of `sql` with parameters of `types`, claiming a free one the first time; nil when all are taken.
        func slot(sql: String, types: [PostgresDataType]) -> Int? {
            let key = Key(sql: sql, types: types.map(\.rawValue))
            return state.withLock { s in
                if let i = s.byKey[key] { return i }
                guard s.sql.count < PreparedStatements.capacity else { return nil }
                s.byKey[key] = s.sql.count
                s.sql.append(sql)
                s.types.append(types)
                return s.sql.count - 1
            }
        }

        func sql(_ slot: Int) -> String { state.withLock { $0.sql[slot] } }
        func types(_ slot: Int) -> [PostgresDataType] { state.withLock { $0.types[slot] } }
        var count: Int { state.withLock { $0.sql.count } }
    }

    static let registry = Registry()

    /// The slot types, by index.
    static let slots: [any StatementSlot.Type] = {
        func slot<A: SlotDigit, B: SlotDigit, C: SlotDigit>(_ a: A.Type, _ b: B.Type, _ c: C.Type) -> any StatementSlot.Type {
            Slot<A, B, C>.self
        }
        var out: [any StatementSlot.Type] = []
        out.reserveCapacity(capacity)
        for a in slotDigits { for b in slotDigits { for c in slotDigits { out.append(slot(a, b, c)) } } }
        return out
    }()
}

/// A statement whose name and SQL are those of slot `S`.
struct SlotStatement<S: StatementSlot>: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { "densauluq_\(S.index)" }
    static var sql: String { PreparedStatements.registry.sql(S.index) }
    static var bindingDataTypes: [PostgresDataType] { PreparedStatements.registry.types(S.index) }

    var bindings: PostgresBindings
    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

protocol StatementSlot: SendableMetatype { static var index: Int { get } }
protocol SlotDigit: SendableMetatype { static var value: Int { get } }

struct Slot<A: SlotDigit, B: SlotDigit, C: SlotDigit>: StatementSlot {
    static var index: Int { A.value << 8 | B.value << 4 | C.value }
}

enum SlotDigit0: SlotDigit { static let value = 0 }
enum SlotDigit1: SlotDigit { static let value = 1 }
enum SlotDigit2: SlotDigit { static let value = 2 }
enum SlotDigit3: SlotDigit { static let value = 3 }
enum SlotDigit4: SlotDigit { static let value = 4 }
enum SlotDigit5: SlotDigit { static let value = 5 }
enum SlotDigit6: SlotDigit { static let value = 6 }
enum SlotDigit7: SlotDigit { static let value = 7 }
enum SlotDigit8: SlotDigit { static let value = 8 }
enum SlotDigit9: SlotDigit { static let value = 9 }
enum SlotDigit10: SlotDigit { static let value = 10 }
enum SlotDigit11: SlotDigit { static let value = 11 }
enum SlotDigit12: SlotDigit { static let value = 12 }
enum SlotDigit13: SlotDigit { static let value = 13 }
enum SlotDigit14: SlotDigit { static let value = 14 }
enum SlotDigit15: SlotDigit { static let value = 15 }

private let slotDigits: [any SlotDigit.Type] = [
    SlotDigit0.self, SlotDigit1.self, SlotDigit2.self, SlotDigit3.self, SlotDigit4.self, SlotDigit5.self, SlotDigit6.self,
    SlotDigit7.self, SlotDigit8.self, SlotDigit9.self, SlotDigit10.self, SlotDigit11.self, SlotDigit12.self,
    SlotDigit13.self, SlotDigit14.self, SlotDigit15.self,
]
