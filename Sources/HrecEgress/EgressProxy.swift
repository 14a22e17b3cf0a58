import Foundation
import HrecJournal
import HrecPolicy
import NIOCore
import NIOPosix
import Synchronization

/// The session's egress proxy: the recorded command's only way to the network besides the gate.
///
/// One listener speaks HTTP CONNECT, absolute-form plain HTTP and SOCKS5 (told apart by the
/// first byte). Each connection is decided by the `NetworkPolicy` on the address the host
/// resolved to, made to exactly that address, relayed with backpressure, and journaled as one
/// `net.connect` event when it ends or is refused.
public final class EgressProxy: Sendable {
    /// Where the proxy listens.
    public enum Listen: Sendable, Equatable, CustomStringConvertible {
        /// A unix socket (made 0600 once bound: put it in a 0700 directory the command cannot
        /// write; an existing socket file there is replaced).
        case unix(path: String)
        /// A TCP address; port 0 picks a free one (`address` then holds it).
        case tcp(host: String, port: Int)

        /// `unix:PATH` or `HOST:PORT` (`[::1]:PORT` for IPv6); nil otherwise.
        public init?(_ text: String) {
            if text.hasPrefix("unix:") {
                guard text.count > 5 else { return nil }
                self = .unix(path: String(text.dropFirst(5)))
                return
            }
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { return nil }
            self = .tcp(host: host, port: port)
        }

        public var description: String {
            switch self {
            case let .unix(path): "unix:\(path)"
            case let .tcp(host, port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            }
        }
    }

    /// Size and time limits for every connection.
    public struct Limits: Sendable {
        /// The most bytes a request head or SOCKS5 handshake may take (431 beyond).
        public var headerBytes = 16 * 1024
        /// How long a client has to finish its handshake.
        public var handshakeTimeout = TimeAmount.seconds(30)
        /// A tunnel with no traffic either way for this long is closed.
        public var idleTimeout = TimeAmount.minutes(5)
        /// How long connecting to the upstream may take (502 beyond).
        public var connectTimeout = TimeAmount.seconds(10)
        /// Write buffer bounds per channel: reading from the other side stops above `high`.
        public var waterMark = ChannelOptions.Types.WriteBufferWaterMark(low: 32 * 1024, high: 128 * 1024)
        /// Clients served at once; more are closed on accept, so the command cannot exhaust hrec's
        /// descriptors (each tunnel holds two).
        public var maxConnections = 256

        /// The defaults.
        public init() {}
    }

    /// The address actually listened on (with the port chosen when 0 was asked for).
    public let address: Listen
    private let group: MultiThreadedEventLoopGroup
    private let server: any Channel
    private let clients: ClientRegistry
    /// Set by the first `stop()`: a second call returns at once (the event loops are gone).
    private let stopped = Mutex(false)

    private init(address: Listen, group: MultiThreadedEventLoopGroup, server: any Channel, clients: ClientRegistry) {
        self.address = address
        self.group = group
        self.server = server
        self.clients = clients
    }

    /// Starts listening on `listen`; every attempt is decided by `policy` and journaled to `sink`.
    /// - Throws: `EgressError.cannotListen` when the address cannot be bound.
    public static func start(listen: Listen, policy: NetworkPolicy, sink: any RecordSink, limits: Limits = Limits()) async throws(EgressError) -> EgressProxy {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let registry = ClientRegistry()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 128)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.writeBufferWaterMark, value: limits.waterMark)
            .childChannelInitializer { channel in
                guard registry.add(channel, limit: limits.maxConnections) else {
                    return channel.eventLoop.makeFailedFuture(ChannelError.inappropriateOperationForState)  // the bootstrap closes it
                }
                channel.closeFuture.whenComplete { _ in registry.remove(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        IdleStateHandler(allTimeout: limits.idleTimeout),
                        ProxyConnectionHandler(policy: policy, sink: sink, limits: limits),
                    ])
                }
            }
        do {
            let server: any Channel
            let bound: Listen
            switch listen {
            case let .unix(path):
                server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
                guard chmod(path, 0o600) == 0 else { throw EgressError.cannotListen(address: listen.description, reason: "cannot make the socket 0600") }
                bound = listen
            case let .tcp(host, port):
                server = try await bootstrap.bind(host: host, port: port).get()
                bound = .tcp(host: host, port: server.localAddress?.port ?? port)
            }
            return EgressProxy(address: bound, group: group, server: server, clients: registry)
        } catch {
            try? await group.shutdownGracefully()
            if let error = error as? EgressError { throw error }
            throw .cannotListen(address: listen.description, reason: "\(error)")
        }
    }

    /// Stops listening, closes every open connection (each then gets its `net.connect` event) and
    /// releases the event loop. Idempotent.
    public func stop() async {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        try? await server.close()
        let open = clients.channels.withLock { Array($0.values) }
        for channel in open {
            channel.close(promise: nil)
            try? await channel.closeFuture.get()
        }
        try? await group.shutdownGracefully()
        if case let .unix(path) = address { unlink(path) }
    }

    /// The variables that point clients at this proxy when it is reached at `host:port` (inside a
    /// sandbox, the relay's loopback address): HTTPS_PROXY and HTTP_PROXY (http://), ALL_PROXY
    /// (socks5h://: names resolved by the proxy, so the policy sees them), NO_PROXY (`noProxy`, e.g.
    /// the gate's host), each in upper and lower case.
    public static func environment(host: String, port: Int, noProxy: [String]) -> [String: String] {
        let authority = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        var variables: [String: String] = [:]
        for (name, value) in [("HTTPS_PROXY", "http://\(authority)"), ("HTTP_PROXY", "http://\(authority)"),
                              ("ALL_PROXY", "socks5h://\(authority)"), ("NO_PROXY", noProxy.joined(separator: ","))] {
            variables[name] = value
            variables[name.lowercased()] = value
        }
        return variables
    }
}

/// The proxy's open client channels, so `stop()` can close them.
final class ClientRegistry: Sendable {
    let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    /// Adds `channel` unless `limit` channels are open already.
    func add(_ channel: any Channel, limit: Int) -> Bool {
        channels.withLock { open in
            guard open.count < limit else { return false }
            open[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func remove(_ channel: any Channel) { channels.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) } }
}
