import Foundation
import HrecGate
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// The collector's HTTP server (hummingbird).
public final class CollectorServer: Sendable {
    /// The port it listens on (the real one when 0 was asked for).
    public let port: Int
    public let host: String
    private let task: Task<Void, any Error>

    /// Starts serving and returns once the socket is bound.
    /// - Throws: `CollectorError.configuration` when the address cannot be bound.
    /// - Parameter limits: per-address connections and header/body deadlines, as the gate's.
    public static func start(host: String, port: Int, identity: GateIdentity, intake: JournalIntake,
                             limits: ConnectionLimits = .init()) async throws -> CollectorServer {
        var logger = Logger(label: "hrec.collect")
        logger.logLevel = ProcessInfo.processInfo.environment["HREC_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        let responder = CollectorResponder(identity: identity, intake: intake, logger: logger)
        let (stream, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(responder: responder, server: limits.http1Server(), configuration: .init(address: .hostname(host, port: port), serverName: "hrec-collect"),
                              onServerRunning: { channel in
                                  continuation.yield(channel.localAddress?.port ?? port)
                                  continuation.finish()
                              }, logger: logger)
        let task = Task {
            defer { continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [])
        }
        var bound: Int?
        for await value in stream { bound = value }
        guard let bound else {
            task.cancel()
            throw CollectorError.configuration("cannot listen on \(host):\(port)")
        }
        return CollectorServer(host: host, port: bound, task: task)
    }

    private init(host: String, port: Int, task: Task<Void, any Error>) {
        self.host = host
        self.port = port
        self.task = task
    }

    /// `http://host:port`.
    public var url: String { "http://\(host):\(port)" }

    /// Stops serving.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
