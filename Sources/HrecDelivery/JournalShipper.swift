import Foundation
import HrecCollector
import HrecJournal
import Synchronization

/// Ships one journal to a collector as it is written (docs/collector.md).
///
/// The local journal is the spool: it is append-only and outside what the confined command can
/// reach, so nothing is copied. `run()` follows the file (`JournalFollower`), asks the collector
/// what it holds (GET), then sends the preamble, the missing frame units in batches, and the
/// seek index once it is written. A failure is retried with exponential backoff, asking the
/// collector again first (an answer lost on the way is not a gap). Each receipt is checked
/// against the local chain and handed to `onReceipt`, with whether it is worth journaling (a
/// receipt that only acknowledges frames holding earlier receipts is not: journaling it would
/// make a new frame to acknowledge, forever).
///
/// `run()` returns after `finish(deadline:)` once everything is delivered or the deadline has
/// passed, or at once on an error that retrying cannot mend (a divergence, a damaged journal).
public final class JournalShipper: Sendable {
    /// Tuning.
    public struct Options: Sendable {
        /// The most bytes of frame units in one POST.
        public var batchBytes = 4 << 20
        /// How often the file is checked for new frames, in seconds.
        public var pollInterval = 0.1
        /// The backoff between failed attempts.
        public var backoff = DeliveryBackoff()
        /// Where the delivery state is kept (nil: not kept).
        public var stateDirectory: URL? = DeliveryState.defaultDirectory
        /// The collector's Ed25519 receipt key (32 bytes), when pinned: a receipt it did not sign stops shipping.
        public var collectorKey: [UInt8]?
        public init() {}
    }

    /// Where delivery stands, shared with the session (hold decisions) and the caller.
    public struct Progress: Sendable {
        /// Frame units found locally.
        public var localFrames: UInt64 = 0
        /// Frame units acknowledged by the collector.
        public var deliveredFrames: UInt64 = 0
        public var journalComplete = false
        public var indexDelivered = false
        /// When each unacknowledged unit was first seen (monotonic µs), oldest first.
        var pendingSince: [UInt64] = []
        public var lastReceipt: Receipt?
        /// The last failure since the last success.
        public var lastError: DeliveryError?
        /// Set when shipping stopped for good.
        public var fatalError: DeliveryError?
        /// Whether every part of the journal written so far is delivered.
        public var isCaughtUp: Bool { deliveredFrames == localFrames && (!journalComplete || indexDelivered) }
    }

    public let path: String
    public let client: DeliveryClient
    private let options: Options
    private let progress = Mutex(Progress())
    private let deadline = Mutex<UInt64?>(nil)
    private let receiptHandler = Mutex<(@Sendable (Receipt, Bool) -> Void)?>(nil)
    private let troubleHandler = Mutex<(@Sendable (Trouble) -> Void)?>(nil)
    /// The delivery state last written (compared before writing again), and when (monotonic µs).
    private let saved = Mutex<DeliveryState?>(nil)
    private let lastSave = Mutex<UInt64>(0)
    /// How often the state file is rewritten while frames flow, in µs.
    static let stateInterval: UInt64 = 1_000_000

    /// - Parameters:
    ///   - path: the journal (it may still be being written).
    ///   - client: the collector.
    public init(path: String, client: DeliveryClient, options: Options = Options()) {
        self.path = path
        self.client = client
        self.options = options
    }

    /// Called with each receipt and whether to journal it (it acknowledges more than receipts).
    public func onReceipt(_ handler: @escaping @Sendable (Receipt, Bool) -> Void) {
        receiptHandler.withLock { $0 = handler }
    }

    /// A change in delivery's health, for the recorder to journal.
    public enum Trouble: Sendable {
        /// Requests started failing (they are retried).
        case failing(DeliveryError)
        /// A request succeeded again after failures.
        case recovered
        /// Shipping stopped for good.
        case stopped(DeliveryError)
    }

    /// Called when requests start failing, succeed again, or shipping stops for good.
    public func onTrouble(_ handler: @escaping @Sendable (Trouble) -> Void) {
        troubleHandler.withLock { $0 = handler }
    }

    /// A snapshot of where delivery stands.
    public var current: Progress { progress.withLock { $0 } }

    /// Asks `run()` to return once everything is delivered, or at `deadline` (monotonic µs) at the latest.
    public func finish(deadline: UInt64) {
        self.deadline.withLock { $0 = deadline }
    }

    /// How long the oldest unacknowledged frame has waited, in µs (0 when none waits).
    public func oldestPendingAge(now: UInt64 = SessionClock.monotonicMicros()) -> UInt64 {
        progress.withLock { $0.pendingSince.first.map { now > $0 ? now - $0 : 0 } ?? 0 }
    }

    /// Follows and ships the journal until `finish` says so (see the type's description).
    /// - Returns: the final progress.
    @discardableResult
    public func run() async -> Progress {
        var session: ShipperSession
        do {
            session = try ShipperSession(follower: JournalFollower(path: path), client: client, options: options)
        } catch {
            progress.withLock { $0.fatalError = .journal(error) }
            return current
        }
        var backoff = options.backoff
        while true {
            let finishing = deadline.withLock { $0 }
            if let finishing, SessionClock.monotonicMicros() >= finishing { break }
            if Task.isCancelled { break }
            do {
                try session.poll()
                record(session)
                if session.isCaughtUp {
                    if finishing != nil { break }
                    try await Task.sleep(nanoseconds: UInt64(options.pollInterval * 1e9))
                    continue
                }
                for receipt in try await session.sendSome() {
                    let journal = session.isWorthJournaling(receipt)
                    receiptHandler.withLock { $0 }?(receipt, journal)
                    progress.withLock { $0.lastReceipt = receipt }
                }
                backoff.reset()
                let hadFailed = progress.withLock { progress in
                    defer { progress.lastError = nil }
                    return progress.lastError != nil
                }
                if hadFailed { troubleHandler.withLock { $0 }?(.recovered) }
                record(session)
            } catch is CancellationError {
                break
            } catch let error as DeliveryError {
                session.forgetCollectorState()
                let first = progress.withLock { progress in
                    defer { progress.lastError = error }
                    return progress.lastError == nil
                }
                guard error.isRetryable else {
                    progress.withLock { $0.fatalError = error }
                    troubleHandler.withLock { $0 }?(.stopped(error))
                    break
                }
                if first { troubleHandler.withLock { $0 }?(.failing(error)) }
                var delay = backoff.next()
                if let finishing { delay = min(delay, Double(finishing &- min(finishing, SessionClock.monotonicMicros())) / 1e6) }
                try? await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1e9))
            } catch {
                progress.withLock { $0.fatalError = .configuration("\(error)") }
                break
            }
        }
        record(session, final: true)
        return current
    }

    /// Copies the session's counts into `progress` and, at most once a second while frames
    /// flow (and whenever delivery catches up, fails or ends), into the state file.
    private func record(_ session: ShipperSession, final: Bool = false) {
        let now = SessionClock.monotonicMicros()
        let snapshot: Progress = progress.withLock { progress in
            let seen = session.localFrames
            while UInt64(progress.pendingSince.count) + progress.deliveredFrames < seen { progress.pendingSince.append(now) }
            let acknowledged = Int(min(UInt64(progress.pendingSince.count), session.deliveredFrames &- min(session.deliveredFrames, progress.deliveredFrames)))
            progress.pendingSince.removeFirst(acknowledged)
            progress.localFrames = seen
            progress.deliveredFrames = session.deliveredFrames
            progress.journalComplete = session.journalComplete
            progress.indexDelivered = session.indexDelivered
            return progress
        }
        guard let directory = options.stateDirectory, let sessionID = session.sessionID?.description else { return }
        var state = DeliveryState(sessionID: sessionID, journal: path, collector: client.baseURL)
        state.localFrames = snapshot.localFrames
        state.deliveredFrames = snapshot.deliveredFrames
        state.journalComplete = snapshot.journalComplete
        state.indexDelivered = snapshot.indexDelivered
        state.lastError = (snapshot.fatalError ?? snapshot.lastError)?.description
        let previous = saved.withLock { $0 } ?? DeliveryState.load(session: sessionID, in: directory)
        state.lastReceipt = snapshot.lastReceipt ?? previous?.lastReceipt
        state.updatedAtMicros = previous?.updatedAtMicros ?? state.updatedAtMicros
        guard state != previous else { return }
        let due = final || snapshot.isCaughtUp || snapshot.fatalError != nil || state.lastError != previous?.lastError
            || now &- lastSave.withLock { $0 } >= Self.stateInterval
        guard due else { return }
        lastSave.withLock { $0 = now }
        state.updatedAtMicros = SessionClock.wallMicros()
        try? state.save(in: directory)
        saved.withLock { $0 = state }
    }
}
