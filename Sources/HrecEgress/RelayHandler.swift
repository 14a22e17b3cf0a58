import NIOCore

/// Bytes and timings of one proxied connection, shared by its handlers on one event loop.
final class ConnectionTally {
    var bytesUp: UInt64 = 0
    var bytesDown: UInt64 = 0
}

/// One end of a tunnel: what its channel reads is written to the partner's channel.
///
/// Backpressure: both channels run with `autoRead` off, and a side asks for more only when the
/// partner's channel is writable (below its high water mark), so at most one read's worth plus
/// the water mark is buffered per direction. A half-close (EOF) on one side shuts the partner's
/// output down once what was written has been flushed; when both inputs are closed, or either
/// side fails, goes idle or closes, both close.
final class RelayHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Which channel this handler sits on.
    enum Side { case client, upstream }

    private let side: Side
    private let tally: ConnectionTally
    private var partner: RelayHandler?
    private var context: ChannelHandlerContext?
    private var wantsRead = false
    private var inputClosed = false

    private init(side: Side, tally: ConnectionTally) {
        self.side = side
        self.tally = tally
    }

    /// Two handlers, one for each channel, joined.
    static func pair(tally: ConnectionTally) -> (client: RelayHandler, upstream: RelayHandler) {
        let client = RelayHandler(side: .client, tally: tally)
        let upstream = RelayHandler(side: .upstream, tally: tally)
        client.partner = upstream
        upstream.partner = client
        return (client, upstream)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    /// Starts the flow: asks this side's channel for its first read.
    func start() {
        context?.read()
    }

    /// Writes bytes that arrived before the relay started (counted as this side's input).
    func forward(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, let partner, let target = partner.context else { return }
        count(bytes.count)
        target.writeAndFlush(NIOAny(target.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        count(buffer.readableBytes)
        partner?.context?.write(NIOAny(buffer), promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.context?.flush()
        if partner?.context?.channel.isWritable ?? false { context.read() } else { wantsRead = true }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.resumeReading() }
        context.fireChannelWritabilityChanged()
    }

    private func resumeReading() {
        guard wantsRead, let context else { return }
        wantsRead = false
        context.read()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputClosed = true
            if partner?.inputClosed ?? true {
                closeBoth()
            } else {
                partner?.afterFlush { $0.close(mode: .output, promise: nil) }
            }
        } else if event is IdleStateHandler.IdleStateEvent {
            closeBoth()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.afterFlush { $0.close(promise: nil) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closeBoth()
    }

    private func count(_ bytes: Int) {
        switch side {
        case .client: tally.bytesUp += UInt64(bytes)
        case .upstream: tally.bytesDown += UInt64(bytes)
        }
    }

    private func closeBoth() {
        let partner = self.partner
        afterFlush { $0.close(promise: nil) }
        partner?.afterFlush { $0.close(promise: nil) }
    }

    /// Runs `action` on this side's context once everything written so far has left (or failed).
    private func afterFlush(_ action: @escaping (ChannelHandlerContext) -> Void) {
        guard let context else { return }
        let promise = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(capacity: 0)), promise: promise)
        promise.futureResult.assumeIsolated().whenComplete { _ in action(context) }
    }
}
