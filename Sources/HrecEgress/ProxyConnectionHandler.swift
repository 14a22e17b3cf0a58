import HrecJournal
import HrecPolicy
import NIOCore
import NIOPosix

/// One client of the egress proxy, from its first byte to its `net.connect` event:
/// handshake → decide on the name → resolve → decide on the address → connect to exactly that
/// address → relay. Lives on the client channel, in front of the relay once connected.
final class ProxyConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State { case handshaking, connecting, relaying, finished }

    private let policy: NetworkPolicy
    private let sink: any RecordSink
    private let limits: EgressProxy.Limits
    private var handshake: ProxyHandshake
    private var state = State.handshaking
    private var target: ProxyTarget?
    private var started = NIODeadline.now()
    private var decision: NetworkDecision?
    private var address: IPAddress?
    private var outcome = "aborted"
    private var pending: [UInt8] = []
    private var upstream: (any Channel)?
    private var handshakeDeadline: Scheduled<Void>?
    /// The client closed its sending side while hrec was still connecting (passed on once relaying).
    private var clientInputClosed = false
    private let tally = ConnectionTally()

    init(policy: NetworkPolicy, sink: any RecordSink, limits: EgressProxy.Limits) {
        self.policy = policy
        self.sink = sink
        self.limits = limits
        handshake = ProxyHandshake(headerLimit: limits.headerBytes)
    }

    func channelActive(context: ChannelHandlerContext) {
        handshakeDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: limits.handshakeTimeout) { [self] in
            if state == .handshaking { context.close(promise: nil) }
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch state {
        case .handshaking:
            var buffer = unwrapInboundIn(data)
            advance(context: context, step: handshake.feed(buffer.readBytes(length: buffer.readableBytes) ?? []))
        case .connecting:
            var buffer = unwrapInboundIn(data)
            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .relaying:
            context.fireChannelRead(data)
        case .finished:
            break
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if state == .relaying { context.fireUserInboundEventTriggered(event); return }
        if let event = event as? ChannelEvent, event == .inputClosed {
            if state == .connecting { clientInputClosed = true } else { context.close(promise: nil) }
        }
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if state == .relaying { context.fireErrorCaught(error) } else { context.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshakeDeadline?.cancel()
        if state != .relaying { upstream?.close(promise: nil) }
        record()
        state = .finished
        context.fireChannelInactive()
    }

    private func advance(context: ChannelHandlerContext, step first: ProxyHandshake.Step) {
        var step = first
        while true {
            switch step {
            case .needMore:
                return
            case let .reply(bytes):
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
                step = handshake.feed([])
            case let .reject(reply, _):
                state = .finished
                answerAndClose(context: context, reply)
                return
            case let .target(target):
                begin(context: context, target: target)
                return
            }
        }
    }

    private func begin(context: ChannelHandlerContext, target: ProxyTarget) {
        self.target = target
        started = .now()
        state = .connecting
        try? context.channel.syncOptions?.setOption(.autoRead, value: false)
        let byName = policy.decide(host: target.host, port: target.port, resolved: nil)
        decision = byName
        guard byName.allowed else { return refuse(context: context, byName) }
        let host = target.host
        NIOThreadPool.singleton.runIfActive(eventLoop: context.eventLoop) { HostResolver.resolve(host) }
            .assumeIsolated().whenComplete { [self] result in
                guard state == .connecting else { return }
                switch result {
                case let .success(.success(addresses)): choose(context: context, addresses)
                case let .success(.failure(error)): unreachable(context: context, "\(error)")
                case let .failure(error): unreachable(context: context, "cannot resolve '\(host)': \(error)")
                }
            }
    }

    /// Connects to the first address the policy allows; refuses with the first address's decision when none is.
    private func choose(context: ChannelHandlerContext, _ addresses: [IPAddress]) {
        guard let target else { return }
        let decisions = addresses.map { ($0, policy.decide(host: target.host, port: target.port, resolved: $0)) }
        guard let (chosen, allowed) = decisions.first(where: { $0.1.allowed }) else {
            address = decisions[0].0
            return refuse(context: context, decisions[0].1)
        }
        address = chosen
        decision = allowed
        let socketAddress: SocketAddress
        do {
            socketAddress = try SocketAddress(ipAddress: chosen.description, port: target.port)
        } catch {
            return unreachable(context: context, "\(error)")
        }
        ClientBootstrap(group: context.eventLoop)
            .channelOption(.autoRead, value: false)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.writeBufferWaterMark, value: limits.waterMark)
            .connectTimeout(limits.connectTimeout)
            .connect(to: socketAddress)
            .assumeIsolated().whenComplete { [self] result in
                switch result {
                case let .success(channel):
                    upstream = channel
                    guard state == .connecting else { channel.close(promise: nil); return }
                    relay(context: context, upstream: channel)
                case let .failure(error):
                    guard state == .connecting else { return }
                    unreachable(context: context, "connecting to \(ProxyReply.display(host: chosen.description, port: target.port)) failed: \(error)")
                }
            }
    }

    private func relay(context: ChannelHandlerContext, upstream: any Channel) {
        guard let target else { return }
        let (client, server) = RelayHandler.pair(tally: tally)
        do {
            try upstream.pipeline.syncOperations.addHandlers([IdleStateHandler(allTimeout: limits.idleTimeout), server])
            try context.pipeline.syncOperations.addHandler(client)
        } catch {
            upstream.close(promise: nil)
            return unreachable(context: context, "\(error)")
        }
        state = .relaying
        outcome = "closed"
        let established = ProxyReply.established(target.proto)
        if !established.isEmpty {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: established)), promise: nil)
        }
        client.forward(target.upstreamBytes + pending)
        pending = []
        client.start()
        server.start()
        if clientInputClosed { context.fireUserInboundEventTriggered(ChannelEvent.inputClosed) }
    }

    private func refuse(context: ChannelHandlerContext, _ decision: NetworkDecision) {
        guard let target else { return }
        self.decision = decision
        outcome = "denied"
        state = .finished
        answerAndClose(context: context, ProxyReply.denied(target.proto, host: target.host, port: target.port, decision: decision))
    }

    private func unreachable(context: ChannelHandlerContext, _ reason: String) {
        guard let target else { return }
        outcome = "unreachable"
        decision?.reason = reason
        state = .finished
        answerAndClose(context: context, ProxyReply.unreachable(target.proto, host: target.host, port: target.port, reason: reason))
    }

    private func answerAndClose(context: ChannelHandlerContext, _ bytes: [UInt8]) {
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// Appends the attempt's `net.connect` event, once, when there was a destination.
    private func record() {
        guard let target else { return }
        let decision = decision ?? NetworkDecision(allowed: false, rule: "none", reason: "the client left before a decision")
        let elapsed = NIODeadline.now() - started
        NetConnectEvent(host: target.host, port: target.port, address: address?.description,
                        decision: decision.allowed ? "allow" : "deny", rule: decision.rule, reason: decision.reason,
                        outcome: outcome, bytesUp: tally.bytesUp, bytesDown: tally.bytesDown,
                        durationMicros: UInt64(max(0, elapsed.nanoseconds / 1000)), protocol: target.proto)
            .append(to: sink)
        self.target = nil
    }
}
