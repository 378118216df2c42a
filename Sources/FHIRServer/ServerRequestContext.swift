import Hummingbird
import NIOCore

/// The request context of the Densauluq server: Hummingbird's basic context plus the peer's address, which the
/// audit trail records as "from where".
public struct ServerRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
