import Foundation

/// Carries an upstream response body from libcurl's write callback (a blocking producer on an
/// upstream worker thread) to the gate (an async consumer). A body that ends within
/// `streamAbove` bytes arrives whole; a longer one as its first bytes (the head) and then
/// piece by piece as they come off the wire, at most `capacity` bytes waiting: the producer
/// waits for room, so a slow client slows the upstream transfer instead of filling memory.
final class ResponseStream: @unchecked Sendable {
    // @unchecked Sendable: every member is read and written with `condition` locked.
    /// How the body comes.
    enum Start: Sendable {
        /// Ended within `streamAbove`: `finished` holds the whole response.
        case whole
        /// Longer: the head is in, the rest follows through `next()`.
        case streaming
    }

    private let condition = NSCondition()
    private var head: [UInt8] = []
    private var pieces: [[UInt8]] = []
    private var buffered = 0
    private var start: Start?
    private var startWaiter: CheckedContinuation<Start, Never>?
    private var pieceWaiter: CheckedContinuation<Void, Never>?
    private var result: Result<UpstreamResponse, any Error>?
    private var gone = false
    let streamAbove: Int
    let capacity: Int
    /// Seconds the producer waits for room before it gives up.
    let patience: TimeInterval
    /// Status and content type, known once the body starts (header lines come first).
    private(set) var status = 0
    private(set) var contentType: String?

    init(streamAbove: Int, capacity: Int = 4 << 20, patience: TimeInterval = 30) {
        self.streamAbove = streamAbove
        self.capacity = capacity
        self.patience = patience
    }

    /// Producer: adds body bytes; waits while `capacity` bytes wait for the consumer. False once
    /// the consumer has gone (the transfer is then aborted).
    func put(_ bytes: UnsafeRawBufferPointer, status: Int, contentType: String?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if gone { return false }
        guard start == .streaming else {
            head.append(contentsOf: bytes)
            if head.count > streamAbove {
                self.status = status
                self.contentType = contentType
                begin(.streaming)
            }
            return true
        }
        // A client that stops reading holds an upstream worker: it is given `patience`, then
        // the transfer is abandoned (and its answer cut short).
        let deadline = Date(timeIntervalSinceNow: patience)
        while buffered >= capacity && !gone {
            if !condition.wait(until: deadline) && buffered >= capacity { gone = true }
        }
        if gone { return false }
        pieces.append(Array(bytes))
        buffered += bytes.count
        wakeReader()
        return true
    }

    /// Producer: the transfer ended with `result` (its body is the head when it ended within
    /// `streamAbove`).
    func end(_ result: Result<UpstreamResponse, any Error>) {
        condition.lock()
        defer { condition.unlock() }
        self.result = result.map { response in
            var response = response
            if start == nil { response.body = head }
            return response
        }
        if start == nil { begin(.whole) }
        wakeReader()
        condition.broadcast()
    }

    /// Consumer: waits until the body ended or passed `streamAbove`.
    func waitForStart() async -> Start {
        await withCheckedContinuation { continuation in
            condition.lock()
            if let start {
                condition.unlock()
                continuation.resume(returning: start)
            } else {
                startWaiter = continuation
                condition.unlock()
            }
        }
    }

    /// Consumer: the whole response (`.whole`), or how the transfer ended (after the last piece).
    func finished() throws -> UpstreamResponse? {
        try condition.withLock { try result?.get() }
    }

    /// Consumer: the head, once streaming (handed over once).
    func takeHead() -> [UInt8] {
        condition.withLock {
            defer { head = [] }
            return head
        }
    }

    /// Consumer: the next piece; nil once the transfer ended (then `finished()` tells how).
    func next() async -> [UInt8]? {
        while true {
            let piece: [UInt8]?? = condition.withLock {
                if !pieces.isEmpty {
                    let piece = pieces.removeFirst()
                    buffered -= piece.count
                    condition.broadcast()
                    return .some(piece)
                }
                return result == nil ? nil : .some(nil)
            }
            if let piece { return piece }
            await withCheckedContinuation { continuation in
                condition.lock()
                if pieces.isEmpty && result == nil {
                    pieceWaiter = continuation
                    condition.unlock()
                } else {
                    condition.unlock()
                    continuation.resume()
                }
            }
        }
    }

    /// Consumer: gives up (the client went away or the gate refused the body); the producer
    /// then aborts the transfer.
    func cancel() {
        condition.withLock {
            gone = true
            pieces.removeAll()
            buffered = 0
            condition.broadcast()
        }
    }

    private func begin(_ how: Start) {
        start = how
        startWaiter?.resume(returning: how)
        startWaiter = nil
    }

    private func wakeReader() {
        pieceWaiter?.resume()
        pieceWaiter = nil
    }
}
