import Foundation
import HrecJournal

/// The journal of one standalone-gate client session, as a chain of segments: closed after it
/// has been idle for a while (no file or writer held for a client that went quiet), reopened
/// on the next record as a new journal file whose header links to the previous segment
/// (`SessionHeader.previousSegment`: its file, session id and final chain head).
final class SegmentedJournal: RecordSink, @unchecked Sendable {
    // @unchecked Sendable: the mutable members are only touched with `lock` held.
    /// Opens segment number `n` continuing `previous` (nil for the first).
    typealias Opener = @Sendable (_ segment: Int, _ previous: SegmentLink?, _ clock: SessionClock) throws(JournalError) -> JournalAppender

    let clock: SessionClock
    private let opener: Opener
    private let lock = NSLock()
    private var current: JournalAppender?
    private var segment = 0
    private var previous: SegmentLink?
    private var openError: JournalError?
    private var lastUse = SessionClock.monotonicMicros()
    private var closed = false

    init(clock: SessionClock = SessionClock(), opener: @escaping Opener) {
        self.clock = clock
        self.opener = opener
    }

    /// Appends to the open segment, opening the next one first when the last was closed idle.
    func append(_ record: Record) {
        lock.lock()
        defer { lock.unlock() }
        guard !closed, let journal = openIfNeeded() else { return }
        lastUse = SessionClock.monotonicMicros()
        journal.append(record)  // under the lock: an idle close cannot come between
    }

    var stall: JournalError? {
        lock.lock()
        defer { lock.unlock() }
        return current?.stall ?? openError
    }

    func commit() async throws(JournalError) {
        let (journal, error) = lock.withLock { (current, openError) }
        guard let journal else {
            if let error { throw error }
            return  // nothing open: every record so far was written when its segment closed
        }
        try await journal.commit()
    }

    /// The segment being written, if one is open (for tests and `hrec gate` status).
    var openSegment: URL? {
        lock.lock()
        defer { lock.unlock() }
        return current?.url
    }

    /// Closes the open segment when nothing was appended for `idleMicros`; returns whether it did.
    @discardableResult
    func closeIfIdle(idleMicros: UInt64, now: UInt64 = SessionClock.monotonicMicros()) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard let journal = current, now &- lastUse >= idleMicros, journal.stall == nil else { return false }
        closeCurrent(journal, reason: "idle for \(idleMicros / 1_000_000) s; the next call opens a new segment")
        return true
    }

    /// Closes for good (gate stopping).
    func close(reason: String) {
        lock.lock()
        defer { lock.unlock() }
        closed = true
        if let journal = current { closeCurrent(journal, reason: reason) }
    }

    private func closeCurrent(_ journal: JournalAppender, reason: String) {
        current = nil
        let end = SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: SessionClock.wallMicros(), reason: reason)
        if let summary = try? journal.close(end: end) {
            previous = SegmentLink(file: journal.url.lastPathComponent, sessionID: journal.sessionID.description,
                                   segment: segment, chainHead: Hex.encode(summary.chainHead))
        }
        segment += 1
    }

    private func openIfNeeded() -> JournalAppender? {
        if let current { return current }
        do {
            let journal = try opener(segment, previous, clock)
            current = journal
            openError = nil
            return journal
        } catch {
            openError = error
            return nil
        }
    }
}
