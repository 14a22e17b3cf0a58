import Foundation

/// A `RecordSink` that owns a `JournalWriter` on a dedicated thread behind a bounded queue.
///
/// Producers (the pty loop, the gate) call `append` from any thread; it only copies the record
/// into the queue. The writer thread flushes a frame when it reaches the size threshold or when
/// its oldest record is older than the flush interval, so a crash loses at most one interval.
/// `append` blocks only while more than `queueLimitBytes` are queued (nothing is ever dropped).
public final class JournalAppender: RecordSink, @unchecked Sendable {
    // @unchecked Sendable: every mutable member below is only touched with `condition` locked,
    // except `writer`, which only the writer thread touches after init.
    public let clock: SessionClock
    public let url: URL
    private let writer: JournalWriter
    private let condition = NSCondition()
    private var queue: [Record] = []
    private var queuedBytes = 0
    private var closing = false
    private var finished = false
    private var failure: JournalError?
    private let queueLimitBytes: Int
    private var thread: Thread?

    /// Creates the journal at `url` and starts the writer thread.
    /// - Throws: `JournalError` when the file cannot be created.
    public init(url: URL, header: SessionHeader, signer: JournalSigner, clock: SessionClock = SessionClock(),
                options: JournalWriter.Options = .init(), queueLimitBytes: Int = 64 << 20) throws(JournalError) {
        self.clock = clock
        self.url = url
        self.queueLimitBytes = queueLimitBytes
        writer = try JournalWriter(url: url, header: header, signer: signer, options: options)
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "hrec-journal-writer"
        self.thread = thread
        thread.start()
    }

    public func append(_ record: Record) {
        let size = Self.size(of: record)
        condition.lock()
        while queuedBytes > queueLimitBytes && !finished { condition.wait() }
        if closing || finished {
            condition.unlock()
            return
        }
        queue.append(record)
        queuedBytes += size
        condition.broadcast()
        condition.unlock()
    }

    /// The first write error, if the writer thread hit one (records after it were not written).
    public var writeError: JournalError? {
        condition.lock()
        defer { condition.unlock() }
        return failure
    }

    /// Drains the queue, writes `end` (stamped now) in a final frame and the seek index, fsyncs.
    /// - Throws: the first write error of the session, if any.
    @discardableResult
    public func close(end: SessionEnd) throws(JournalError) -> JournalWriter.Summary {
        condition.lock()
        closing = true
        condition.broadcast()
        while !finished { condition.wait() }
        let failure = self.failure
        condition.unlock()
        if let failure { throw failure }
        return try writer.close(end: end, at: clock.now())
    }

    /// Drains and flushes the queue without an end record, leaving a journal that reads as
    /// truncated: for fatal paths where no clean end can be written.
    public func abandon() {
        condition.lock()
        closing = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
        writer.abandon()
    }

    private func run() {
        let interval = writer.options.flushIntervalMicros
        while true {
            condition.lock()
            while queue.isEmpty && !closing {
                if writer.hasPending {
                    let due = writer.pendingSince &+ interval
                    let now = clock.now()
                    if now >= due { break }
                    _ = condition.wait(until: Date(timeIntervalSinceNow: Double(due - now) / 1_000_000))
                } else {
                    condition.wait()
                }
            }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            queuedBytes = 0
            let done = closing
            condition.broadcast()
            condition.unlock()

            do {
                for record in batch { try writer.append(record) }
                if writer.hasPending && (done || clock.now() &- writer.pendingSince >= interval) {
                    if !done { try writer.flush() }
                }
            } catch {
                condition.lock()
                if failure == nil { failure = error }
                condition.unlock()
            }
            if done {
                condition.lock()
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }

    private static func size(of record: Record) -> Int {
        switch record.body {
        case let .output(bytes), let .input(bytes): bytes.count + 16
        case let .event(event): event.json.count + 16
        default: 64
        }
    }
}
