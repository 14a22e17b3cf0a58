import Foundation
import HrecEgress
import HrecJournal
import HrecPolicy
import NIOCore
import Synchronization
import Testing

/// The proxy over real sockets: timeouts, unreachable upstreams, stop, the connection limit.
@Suite struct EgressProxyTests {
    /// Collects the `net.connect` events appended to it.
    final class CollectingSink: RecordSink {
        let clock = SessionClock()
        private let records = Mutex<[Record]>([])

        func append(_ record: Record) { records.withLock { $0.append(record) } }
        var stall: JournalError? { nil }
        func commit() async throws(JournalError) {}

        var events: [NetConnectEvent] {
            records.withLock { $0 }.compactMap { record in
                guard case let .event(event) = record.body, event.type == NetConnectEvent.type else { return nil }
                return try? event.decode(NetConnectEvent.self)
            }
        }

        /// Waits up to 5 s for `count` events.
        func waitForEvents(_ count: Int) async throws -> [NetConnectEvent] {
            for _ in 0..<500 where events.count < count { try await Task.sleep(for: .milliseconds(10)) }
            return events
        }
    }

    static func start(allowing ports: [UInt16], limits: EgressProxy.Limits = EgressProxy.Limits()) async throws -> (EgressProxy, CollectingSink, UInt16) {
        let sink = CollectingSink()
        let policy = NetworkPolicy(allow: try ports.map { try HostPattern.parse("127.0.0.1:\($0)") })
        let proxy = try await EgressProxy.start(listen: .tcp(host: "127.0.0.1", port: 0), policy: policy, sink: sink, limits: limits)
        guard case let .tcp(_, port) = proxy.address else { throw TestSocket.Failure("not a TCP address: \(proxy.address)") }
        return (proxy, sink, UInt16(port))
    }

    @Test func anIdleTunnelIsClosedAndJournaled() async throws {
        let upstream = try TestSocket.listen()
        var limits = EgressProxy.Limits()
        limits.idleTimeout = .milliseconds(300)
        let (proxy, sink, port) = try await Self.start(allowing: [upstream.port], limits: limits)
        let client = try TestSocket.connect(port: port)
        try client.send("CONNECT 127.0.0.1:\(upstream.port) HTTP/1.1\r\n\r\n")
        let started = Date()
        #expect(try client.readToEnd() == "HTTP/1.1 200 Connection established\r\n\r\n")
        #expect(Date().timeIntervalSince(started) < 3)
        let events = try await sink.waitForEvents(1)
        #expect(events.map(\.outcome) == ["closed"])
        // hrec run stops its producers before the journal closes, and again on its error paths.
        await proxy.stop()
        #expect(events.first?.bytesUp == 0 && events.first?.bytesDown == 0)
        await proxy.stop()
    }

    @Test func aSlowHandshakeIsCutOffWithoutAnEvent() async throws {
        var limits = EgressProxy.Limits()
        limits.handshakeTimeout = .milliseconds(300)
        let (proxy, sink, port) = try await Self.start(allowing: [], limits: limits)
        let client = try TestSocket.connect(port: port)
        try client.send("CONNECT exam")
        #expect(try client.readToEnd() == "")
        try await Task.sleep(for: .milliseconds(100))
        #expect(sink.events.isEmpty)
        await proxy.stop()
    }

    @Test func anUnreachableUpstreamGets502AndIsJournaled() async throws {
        let closed = try TestSocket.listen()
        let deadPort = closed.port
        closed.close()
        let (proxy, sink, port) = try await Self.start(allowing: [deadPort])
        let client = try TestSocket.connect(port: port)
        try client.send("CONNECT 127.0.0.1:\(deadPort) HTTP/1.1\r\n\r\n")
        let answer = try client.readToEnd()
        #expect(answer.hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"))
        #expect(answer.contains("\r\n\r\nhrec: cannot reach 127.0.0.1:\(deadPort): connecting to 127.0.0.1:\(deadPort) failed"))
        let events = try await sink.waitForEvents(1)
        #expect(events.map(\.outcome) == ["unreachable"])
        #expect(events.map(\.decision) == ["allow"])
        await proxy.stop()
    }

    @Test func stopClosesOpenTunnelsAndJournalsThem() async throws {
        let upstream = try TestSocket.listen()
        let (proxy, sink, port) = try await Self.start(allowing: [upstream.port])
        let client = try TestSocket.connect(port: port)
        try client.send("CONNECT 127.0.0.1:\(upstream.port) HTTP/1.1\r\n\r\nping")
        let server = try upstream.accept()
        #expect(try server.read(count: 4) == "ping")
        await proxy.stop()
        #expect(try client.readToEnd() == "HTTP/1.1 200 Connection established\r\n\r\n")
        let events = try await sink.waitForEvents(1)
        #expect(events.map(\.bytesUp) == [4])
        #expect(events.map(\.outcome) == ["closed"])
    }

    @Test func halfClosePassesThroughEvenWhileConnecting() async throws {
        let upstream = try TestSocket.listen()
        let (proxy, sink, port) = try await Self.start(allowing: [upstream.port])
        let client = try TestSocket.connect(port: port)
        try client.send("CONNECT 127.0.0.1:\(upstream.port) HTTP/1.1\r\n\r\nping")
        client.shutdownWrite()
        let server = try upstream.accept()
        #expect(try server.readToEnd() == "ping")
        try server.send("pong")
        server.close()
        #expect(try client.readToEnd() == "HTTP/1.1 200 Connection established\r\n\r\npong")
        let events = try await sink.waitForEvents(1)
        #expect(events.map { [$0.bytesUp, $0.bytesDown] } == [[4, 4]])
        await proxy.stop()
    }

    @Test func clientsBeyondTheLimitAreClosedOnAccept() async throws {
        var limits = EgressProxy.Limits()
        limits.maxConnections = 2
        let (proxy, _, port) = try await Self.start(allowing: [], limits: limits)
        let held = try [TestSocket.connect(port: port), TestSocket.connect(port: port)]
        try await Task.sleep(for: .milliseconds(200))
        let third = try TestSocket.connect(port: port)
        #expect(try third.readToEnd() == "")
        try held[0].send("CONNECT 169.254.169.254:80 HTTP/1.1\r\n\r\n")
        #expect(try held[0].readToEnd().hasPrefix("HTTP/1.1 403 Forbidden\r\n"))
        await proxy.stop()
    }
}
