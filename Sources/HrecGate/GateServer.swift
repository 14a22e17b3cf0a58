import CPosix
import Foundation
import HrecJournal
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The gate's HTTP server (hummingbird), bound to a loopback or given address.
public final class GateServer: Sendable {
    /// The port it listens on (the real one when 0 was asked for).
    public let port: Int
    public let host: String
    private let task: Task<Void, any Error>
    private let journals: GateJournals
    private let deferred: DeferredRecords

    /// Starts serving and returns once the socket is bound.
    /// - Throws: when the address cannot be bound.
    public static func start(host: String, port: Int, identity: GateIdentity, journals: GateJournals,
                             upstreamURL: String, credential: UpstreamCredential, policy: any RequestPolicy = AllowAll(),
                             dryRuns: Bool? = nil, responseBodyCap: Int = 64 * 1024, responseJournalCap: Int? = nil, limits: ConnectionLimits = .init(),
                             requestLimits: RequestLimits = .init(), sessions: GateSessions = GateSessions(),
                             unixSocket: String? = nil, credentialEnvironment: [String: String] = [:]) async throws -> GateServer {
        _ = allocatorTuned
        var logger = Logger(label: "hrec.gate")
        logger.logLevel = ProcessInfo.processInfo.environment["HREC_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        let responder = GateResponder(identity: identity, sessions: sessions, journals: journals,
                                      upstream: UpstreamClient(baseURL: upstreamURL),
                                      authorizer: UpstreamAuthorizer(credential, environment: credentialEnvironment),
                                      policy: policy, logger: logger, responseBodyCap: responseBodyCap, responseJournalCap: responseJournalCap,
                                      dryRuns: dryRuns ?? GateConfiguration.upstreamOffersDryRun(upstreamURL), desk: ApprovalDesk(),
                                      budget: RequestBudget(limits: requestLimits))
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let counter = ConnectionCounter()
        let server = HTTPServerBuilder.http1(configuration: .init(
            additionalChannelHandlers: [ConnectionGuard(limits: limits, counter: counter)], idleTimeout: limits.idleTimeout))
        let app = Application(responder: responder, server: server, configuration: .init(address: .hostname(host, port: port), serverName: "hrec-gate"),
                              onServerRunning: { channel in
                                  continuation.yield(channel.localAddress?.port ?? port)
                                  continuation.finish()
                              }, logger: logger)
        // The same responder on a unix socket: how a sandboxed command reaches the gate.
        let (socketStream, socketContinuation) = AsyncStream<Bool>.makeStream()
        let socketApp = unixSocket.map { path in
            Application(responder: responder, server: server, configuration: .init(address: .unixDomainSocket(path: path), serverName: "hrec-gate"),
                        onServerRunning: { _ in
                            socketContinuation.yield(true)
                            socketContinuation.finish()
                        }, logger: logger)
        }
        if socketApp == nil { socketContinuation.finish() }
        let task = Task {
            defer {
                continuation.finish()
                socketContinuation.finish()
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.runService(gracefulShutdownSignals: []) }
                if let socketApp { group.addTask { try await socketApp.runService(gracefulShutdownSignals: []) } }
                try await group.next()
                group.cancelAll()
            }
        }
        var bound: Int?
        for await value in stream { bound = value }
        var socketBound = socketApp == nil
        for await value in socketStream { socketBound = value }
        guard let bound, socketBound else {
            task.cancel()
            throw GateError.configuration(bound == nil ? "cannot listen on \(host):\(port)" : "cannot listen on \(unixSocket ?? "")")
        }
        return GateServer(host: host, port: bound, task: task, journals: journals, deferred: responder.deferred)
    }

    private init(host: String, port: Int, task: Task<Void, any Error>, journals: GateJournals, deferred: DeferredRecords) {
        self.host = host
        self.port = port
        self.task = task
        self.journals = journals
        self.deferred = deferred
    }

    /// `http://host:port`.
    public var url: String { "http://\(host):\(port)" }

    /// Stops serving and closes the journals the gate opened itself.
    public func stop(reason: String = "gate stopped") async {
        task.cancel()
        _ = try? await task.value
        await deferred.drain()  // body records still being built go in before the journals close
        await journals.closeAll(reason: reason)
    }

    /// Waits until the server stops (standalone gate).
    public func wait() async {
        _ = try? await task.value
    }
}

/// glibc's allocator, tuned once for a process that serves the gate. Response bodies (350 KB
/// for a 5,000-row page, up to the 1 MiB above which pages stream) are allocated and freed on
/// every call: left to its defaults, glibc trims its heap back after each free and the next
/// call pays a page fault per 4 KiB of its body (hundreds per call; about 1 ms of the 5,000-row
/// page's added time in bench/gate_latency.py). Blocks up to 4 MiB come from the heap, and up to
/// 4 MiB of freed memory per arena is kept for the next call: a bounded cost in resident memory
/// (bench/gate_streaming.py's peak RSS is as before; with 64 MiB kept it grew by a quarter).
private let allocatorTuned: Void = {
    _ = hrec_tune_allocator(4 << 20, 4 << 20)
}()
