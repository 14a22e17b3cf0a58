import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes
import Synchronization

/// How much one client may hold of the gate: connections per address, and how long it may take
/// to send a request's headers and its body.
public struct ConnectionLimits: Sendable {
    /// Open connections from one IP address; more are closed at once.
    public var connectionsPerAddress = 64
    /// From the connection (or the end of the previous response) to the end of the headers.
    public var headerTimeout: TimeAmount = .seconds(10)
    /// From the end of the headers to the end of the body.
    public var bodyTimeout: TimeAmount = .seconds(60)
    /// From the end of a response to the end of the next request's headers (kept-alive connection).
    public var idleTimeout: TimeAmount = .seconds(60)

    public init() {}

    /// Limits with the timeouts given in seconds.
    public init(connectionsPerAddress: Int, headerSeconds: Double, bodySeconds: Double) {
        self.connectionsPerAddress = connectionsPerAddress
        headerTimeout = .milliseconds(Int64(headerSeconds * 1000))
        bodyTimeout = .milliseconds(Int64(bodySeconds * 1000))
    }
}

/// Counts open connections per address (shared by every connection of one server).
final class ConnectionCounter: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    /// Takes a slot for `address`; false when it already holds `limit`.
    func acquire(_ address: String, limit: Int) -> Bool {
        counts.withLock { counts in
            let current = counts[address, default: 0]
            guard current < limit else { return false }
            counts[address] = current + 1
            return true
        }
    }

    func release(_ address: String) {
        counts.withLock { counts in
            let remaining = counts[address, default: 1] - 1
            counts[address] = remaining > 0 ? remaining : nil
        }
    }

    /// Connections held by `address` (for tests and logs).
    func count(_ address: String) -> Int { counts.withLock { $0[address, default: 0] } }
}

/// Per connection: enforces the per-address limit and the header and body deadlines (a client
/// that drips its headers or body is disconnected when the deadline passes, whatever it sends).
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private let counter: ConnectionCounter
    private var address: String?
    private var deadline: Scheduled<Void>?

    init(limits: ConnectionLimits, counter: ConnectionCounter) {
        self.limits = limits
        self.counter = counter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "?"
        guard counter.acquire(address, limit: limits.connectionsPerAddress) else {
            context.close(promise: nil)
            return
        }
        self.address = address
        arm(limits.headerTimeout, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        if let address { counter.release(address) }
        address = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        if let address { counter.release(address) }
        address = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(limits.bodyTimeout, context: context)
        case .body: break
        case .end: disarm()  // the request is in; the answer may take as long as it takes
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { arm(limits.idleTimeout, context: context) }
        context.write(data, promise: promise)
    }

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        disarm()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}

extension ConnectionLimits {
    /// An HTTP/1 server whose connections are held to these limits: connections per address,
    /// header and body deadlines, idle timeout (the gate's, for another server such as the collector).
    public func http1Server() -> HTTPServerBuilder {
        let counter = ConnectionCounter()
        return HTTPServerBuilder.http1(configuration: .init(
            additionalChannelHandlers: [ConnectionGuard(limits: self, counter: counter)], idleTimeout: idleTimeout))
    }
}
