import Foundation

/// A few writer threads shared by every `JournalAppender` of the process: a gate with a
/// thousand client sessions has a thousand journals but not a thousand threads.
///
/// An appender asks for service (`wake`) when a frame's worth of records or a commit arrive,
/// or for a turn at a time (`schedule`) when its first pending record will be due; a pool thread
/// then runs its `service()` step, which writes what is due and says when it next needs a turn.
/// A committing caller may instead run the turn on its own thread (`serviceInline`), which
/// saves two thread switches per commit. One appender is never serviced by two threads at
/// once, so each journal keeps one writer.
final class JournalWriterPool: @unchecked Sendable {
    // @unchecked Sendable: every member below is only touched with `condition` locked.
    /// What an appender's step asks for next.
    enum Next {
        /// Another turn as soon as possible.
        case now
        /// A turn at this monotonic time (µs), or earlier when woken.
        case at(UInt64)
        /// Nothing until woken.
        case idle
        /// Closed: forget it.
        case finished
    }

    /// The pool all appenders use.
    static let shared = JournalWriterPool(threads: 4)

    private let maxThreads: Int
    private let condition = NSCondition()
    private var threads = 0
    private var ready: [JournalAppender] = []
    private var queued: Set<ObjectIdentifier> = []
    private var running: Set<ObjectIdentifier> = []
    private var wokenWhileRunning: Set<ObjectIdentifier> = []
    private var timers: [ObjectIdentifier: (due: UInt64, appender: JournalAppender)] = [:]
    /// The earliest monotonic time (µs) a sleeping thread will wake at by itself.
    private var wakeAt: UInt64 = .max

    init(threads: Int) {
        maxThreads = max(1, threads)
    }

    /// Number of writer threads started so far (at most `threads`).
    var threadCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return threads
    }

    /// Asks for a turn for `appender` as soon as a thread is free.
    func wake(_ appender: JournalAppender) {
        let id = ObjectIdentifier(appender)
        condition.lock()
        if running.contains(id) {
            wokenWhileRunning.insert(id)
        } else if !queued.contains(id) {
            queued.insert(id)
            ready.append(appender)
        }
        if threads < ready.count + running.count { startThread() }
        condition.signal()
        condition.unlock()
    }

    /// Asks for a turn for `appender` at monotonic time `due` (µs), unless one is already
    /// queued, running or timed earlier. Wakes a sleeping thread only when it would otherwise
    /// sleep past `due`.
    func schedule(_ appender: JournalAppender, at due: UInt64) {
        let id = ObjectIdentifier(appender)
        condition.lock()
        defer { condition.unlock() }
        if queued.contains(id) || running.contains(id) { return }
        if let timer = timers[id], timer.due <= due { return }
        addTimer(appender, at: due)
    }

    /// Times a turn; wakes a sleeping thread only when none would wake by `due` by itself.
    /// `condition` is locked.
    private func addTimer(_ appender: JournalAppender, at due: UInt64) {
        timers[ObjectIdentifier(appender)] = (due, appender)
        if threads == 0 {
            startThread()
        } else if due < wakeAt {
            wakeAt = due
            condition.signal()
        }
    }

    /// Starts one more writer thread, up to the limit; `condition` is locked.
    private func startThread() {
        guard threads < maxThreads else { return }
        threads += 1
        let thread = Thread { [unowned self] in self.work() }
        thread.name = "hrec-journal-writer"
        thread.start()
    }

    /// Runs `appender`'s turn on the calling thread, unless a pool thread is running it.
    /// - Returns: what `turn` returned, or nil when a pool thread has the appender (the caller
    ///   then waits for that thread instead).
    func serviceInline<Result>(_ appender: JournalAppender, _ turn: () -> (Next, Result)) -> Result? {
        let id = ObjectIdentifier(appender)
        condition.lock()
        if running.contains(id) {
            condition.unlock()
            return nil
        }
        if queued.remove(id) != nil { ready.removeAll { $0 === appender } }
        timers[id] = nil
        running.insert(id)
        condition.unlock()
        let (next, result) = turn()
        condition.lock()
        finishTurn(of: appender, next: next)
        if !ready.isEmpty { condition.signal() }
        condition.unlock()
        return result
    }

    /// Queues or times the appender's next turn after one ran; `condition` is locked.
    private func finishTurn(of appender: JournalAppender, next: Next) {
        let id = ObjectIdentifier(appender)
        running.remove(id)
        let woken = wokenWhileRunning.remove(id) != nil
        switch next {
        case .finished:
            break
        case .now:
            queued.insert(id)
            ready.append(appender)
        case let .at(due):
            if woken {
                queued.insert(id)
                ready.append(appender)
            } else {
                addTimer(appender, at: due)
            }
        case .idle:
            if woken {
                queued.insert(id)
                ready.append(appender)
            }
        }
        if !ready.isEmpty && threads < ready.count + running.count { startThread() }
    }

    private func work() {
        condition.lock()
        while true {
            while ready.isEmpty {
                let now = SessionClock.monotonicMicros()
                var earliest: UInt64?
                for (id, timer) in timers {
                    if timer.due <= now {
                        timers[id] = nil
                        if !queued.contains(id) && !running.contains(id) {
                            queued.insert(id)
                            ready.append(timer.appender)
                        }
                    } else {
                        earliest = min(earliest ?? timer.due, timer.due)
                    }
                }
                if !ready.isEmpty { break }
                wakeAt = earliest ?? .max
                if let earliest {
                    _ = condition.wait(until: Date(timeIntervalSinceNow: Double(earliest - now) / 1_000_000))
                } else {
                    condition.wait()
                }
            }
            let appender = ready.removeFirst()
            let id = ObjectIdentifier(appender)
            queued.remove(id)
            timers[id] = nil
            running.insert(id)
            condition.unlock()
            let next = appender.service()
            condition.lock()
            finishTurn(of: appender, next: next)
            condition.broadcast()
        }
    }
}
