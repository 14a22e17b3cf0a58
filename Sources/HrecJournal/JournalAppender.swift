import Foundation

/// A `RecordSink` that owns a `JournalWriter`, written by the shared `JournalWriterPool`
/// behind a bounded queue.
///
/// Producers (the pty loop, the gate) call `append` from any thread; it only copies the record
/// into the queue. A pool thread flushes a frame when it reaches the size threshold or when
/// its oldest record is older than the flush interval, so a crash loses at most one interval.
/// `commit()` flushes at once, on the caller's own thread when no pool thread is writing this
/// journal (fsync stays with the pool). `append` blocks only while more than
/// `queueLimitBytes` are queued or unwritten (nothing is ever dropped).
///
/// When the journal cannot be written (the disk is full, or the space kept for the last records
/// cannot be reserved), the sink reports a `stall`, keeps every record in memory, cuts any torn
/// write back and retries every `retryInterval`; it clears the stall when a write succeeds again.
public final class JournalAppender: RecordSink, @unchecked Sendable {
    // @unchecked Sendable: every mutable member below is only touched with `condition` locked,
    // except `writer` and the `last...` times, which only `turn` touches after init (one thread
    // at a time, as the pool guarantees) and `close`/`abandon` after the last turn.
    public let clock: SessionClock
    public let url: URL
    /// The journal's session id (from its header).
    public let sessionID: SessionID
    private let writer: JournalWriter
    private let condition = NSCondition()
    private var queue: [Record] = []
    private var queuedBytes = 0
    private var unwrittenBytes = 0
    private var waiters: [CheckedContinuation<JournalError?, Never>] = []
    private var closing = false
    private var finished = false
    private var stallError: JournalError?
    private var displacementFound: JournalDisplacement?
    private let queueLimitBytes: Int
    private let pool = JournalWriterPool.shared
    private var lastAttempt: UInt64 = 0
    private var lastDisplacementCheck: UInt64 = 0
    private var lastSpaceCheck: UInt64 = 0
    /// How often a stalled writer tries again, in µs.
    public let retryInterval: UInt64 = 500_000

    /// Creates the journal at `url` (written by the shared writer pool).
    /// - Throws: `JournalError` when the file cannot be created.
    public init(url: URL, header: SessionHeader, signer: JournalSigner, clock: SessionClock = SessionClock(),
                options: JournalWriter.Options = .init(), queueLimitBytes: Int = 64 << 20) throws(JournalError) {
        self.clock = clock
        self.url = url
        sessionID = header.sessionID
        self.queueLimitBytes = queueLimitBytes
        writer = try JournalWriter(url: url, header: header, signer: signer, options: options)
        pool.wake(self)
    }

    public func append(_ record: Record) {
        let size = Self.size(of: record)
        condition.lock()
        while queuedBytes + unwrittenBytes > queueLimitBytes && !finished { condition.wait() }
        if closing || finished {
            condition.unlock()
            return
        }
        queue.append(record)
        queuedBytes += size
        let first = queue.count == 1
        let frameFull = queuedBytes >= writer.options.frameBytes && queuedBytes - size < writer.options.frameBytes
        condition.unlock()
        if frameFull {
            pool.wake(self)
        } else if first {
            pool.schedule(self, at: SessionClock.monotonicMicros() &+ writer.options.flushIntervalMicros)
        }
    }

    /// Returns once every record appended before the call is written to the file (`write(2)`
    /// done: it survives the death of hrec). Throws the write error when it cannot be written;
    /// the records then stay queued for the next attempt.
    public func commit() async throws(JournalError) {
        if let outcome = pool.serviceInline(self, { turn(committing: true) }) {
            if let error = outcome { throw error }
            return
        }
        // A pool thread is writing this journal: the commit waits for its next turn.
        let error: JournalError? = await withCheckedContinuation { continuation in
            condition.lock()
            if finished {
                continuation.resume(returning: stallError ?? .invalidEvent("the journal '\(url.path)' is closed"))
            } else {
                waiters.append(continuation)
            }
            condition.unlock()
            pool.wake(self)
        }
        if let error { throw error }
    }

    /// Why the journal cannot be written right now (disk full, space for the last records not
    /// reservable, write error); nil while it can.
    public var stall: JournalError? {
        condition.lock()
        defer { condition.unlock() }
        return stallError
    }

    /// The path no longer names the file being written (deleted or replaced), once noticed.
    public var displacement: JournalDisplacement? {
        condition.lock()
        defer { condition.unlock() }
        return displacementFound
    }

    /// Drains the queue, writes `end` (stamped now) in a final frame and the seek index, fsyncs.
    /// When the path no longer names the file, the discrepancy is journaled and the records are
    /// saved through the open descriptor (`Summary.recoveredTo`).
    /// - Throws: the write error when the end cannot be written.
    @discardableResult
    public func close(end: SessionEnd) throws(JournalError) -> JournalWriter.Summary {
        stopWriterThread()
        if displacementFound == nil, let found = writer.displacement() { note(found) }
        do {
            let summary = try writer.close(end: end, at: clock.now())
            answerWaiters(nil)
            return summary
        } catch {
            answerWaiters(error)
            throw error
        }
    }

    /// Drains and flushes the queue without an end record, leaving a journal that reads as
    /// truncated: for fatal paths where no clean end can be written.
    public func abandon() {
        stopWriterThread()
        writer.abandon()
        answerWaiters(.invalidEvent("the journal '\(url.path)' was abandoned"))
    }

    /// Answers the commits still waiting once the writer is done (close or abandon).
    private func answerWaiters(_ error: JournalError?) {
        condition.lock()
        let late = waiters
        waiters.removeAll()
        condition.unlock()
        for waiter in late { waiter.resume(returning: error) }
    }

    /// Has the pool run the last turn (queue drained into the writer), then returns.
    private func stopWriterThread() {
        condition.lock()
        closing = true
        condition.unlock()
        pool.wake(self)
        condition.lock()
        while !finished { condition.wait() }
        condition.unlock()
    }

    /// One turn on a pool thread: writes what is queued, flushes what is due, retries a stalled
    /// write, fsyncs when due, answers commits; says when the next turn is needed.
    func service() -> JournalWriterPool.Next {
        turn(committing: false).next
    }

    /// One turn, on a pool thread or (`committing`) on the thread of a caller of `commit()`,
    /// whose records it flushes; says when the next turn is needed and, for `committing`, why
    /// the caller's records could not be written (nil when they were).
    private func turn(committing inline: Bool) -> (next: JournalWriterPool.Next, commitError: JournalError?) {
        let interval = writer.options.flushIntervalMicros
        condition.lock()
        let batch = queue
        queue.removeAll(keepingCapacity: true)
        queuedBytes = 0
        let committing = waiters
        waiters.removeAll()
        let done = closing
        let stalled = stallError != nil
        condition.unlock()

        for record in batch { try? writer.add(record) }  // only encoding can fail, and it drops just that record
        let now = clock.now()
        let flushDue = inline || !committing.isEmpty || writer.pendingBytes >= writer.options.frameBytes
            || (writer.hasPending && now &- writer.pendingSince >= interval)
        var writeError: JournalError?
        var reserveError: JournalError?
        let attempt = writer.hasPending && !done && (flushDue || stalled && now &- lastAttempt >= retryInterval)
        if attempt {
            lastAttempt = now
            do { try writer.flush(syncing: !inline) } catch { writeError = error }
            // The path is looked up at most once per flush interval (two syscalls), and at close.
            if writeError == nil, displacementFound == nil, now &- lastDisplacementCheck >= interval {
                lastDisplacementCheck = now
                if let found = writer.displacement() { note(found) }
            }
        }
        if writeError == nil && !inline && !done {
            do { try writer.syncIfDue() } catch { writeError = error }
        }
        if writeError == nil && !done {
            // Free space is looked up on every commit (a commit must fail once only the reserve
            // is left: that space is for the session's last records, not for more gate traffic),
            // otherwise at most once per flush interval.
            let checkSpace = inline || !committing.isEmpty || stalled || now &- lastSpaceCheck >= interval
            if checkSpace { lastSpaceCheck = now }
            do { try writer.reserve(checkingFreeSpace: checkSpace) } catch { reserveError = error }
            if reserveError != nil { lastAttempt = now }
        }
        condition.lock()
        if let error = writeError ?? reserveError {
            stallError = error
        } else if !(stalled && writer.hasPending && !attempt) {
            stallError = nil
        }
        unwrittenBytes = writer.pendingBytes
        if done {
            finished = true
            waiters += committing  // answered by close() once the end is written
        }
        let more = !queue.isEmpty || !waiters.isEmpty || closing
        let stalledNow = stallError != nil
        condition.broadcast()
        condition.unlock()
        // A commit fails also when the reserve cannot be renewed: that space is kept for the
        // session's last records, not for more gate traffic.
        if done { return (.finished, .invalidEvent("the journal '\(url.path)' is closing")) }
        let outcome = writeError ?? reserveError
        for waiter in committing { waiter.resume(returning: outcome) }
        if more || inline && writer.syncDue { return (.now, outcome) }
        let due: UInt64? = stalledNow ? lastAttempt &+ retryInterval : writer.hasPending ? writer.pendingSince &+ interval : nil
        guard let due else { return (.idle, outcome) }
        let current = clock.now()
        return (due <= current ? .now : .at(SessionClock.monotonicMicros() + (due - current)), outcome)
    }

    /// Journals the displacement (once) in the file hrec still holds.
    private func note(_ displacement: JournalDisplacement) {
        condition.lock()
        displacementFound = displacement
        condition.unlock()
        if let event = try? JournalEvent(type: "journal.displaced", payload: displacement) {
            try? writer.add(Record(time: clock.now(), body: .event(event)))
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
