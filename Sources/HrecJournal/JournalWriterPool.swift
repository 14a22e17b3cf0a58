import Foundation

/// A few writer threads shared by every `JournalAppender` of the process: a gate with a
/// thousand client sessions has a thousand journals but not a thousand threads.
///
/// An appender asks for service (`wake`) when records or a commit arrive; a pool thread then
/// runs its `service()` step, which writes what is due and says when it next needs a turn.
/// One appender is never serviced by two threads at once, so each journal keeps one writer.
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
        if threads < maxThreads && threads < ready.count + running.count {
            threads += 1
            let thread = Thread { [unowned self] in self.work() }
            thread.name = "hrec-journal-writer"
            thread.start()
        }
        condition.signal()
        condition.unlock()
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
                    timers[id] = (due, appender)
                }
            case .idle:
                if woken {
                    queued.insert(id)
                    ready.append(appender)
                }
            }
            condition.broadcast()
        }
    }
}
