import HummingbirdBcrypt
import NIOPosix

/// bcrypt hashing off the Swift cooperative pool: a hash at cost 12 takes a quarter of a second of CPU, which
/// would otherwise stall every other request on that thread.
public struct PasswordHasher: Sendable {
    /// log2 of the bcrypt rounds; 12 in production, lower in tests.
    public let cost: UInt8

    public init(cost: UInt8 = 12) { self.cost = cost }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
