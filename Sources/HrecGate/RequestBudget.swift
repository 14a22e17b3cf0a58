import Synchronization

/// Bounds on what one request, and all requests together, may hold in the gate's memory.
public struct RequestLimits: Sendable {
    /// Largest request body (BigQuery's own limit for an HTTP request is 10 MB).
    public var maxBodyBytes = 10 << 20
    /// Longest query text, in characters (BigQuery: 1,024K characters of unresolved GoogleSQL).
    public var maxQueryCharacters = 1024 * 1024
    /// Bytes of request and upstream response bodies held at once by all requests; a request
    /// that would exceed it is answered with a retryable 503 instead of being read, an upstream
    /// response that would exceed it is dropped and the call answered with that 503.
    public var memoryBudgetBytes = 256 << 20
    /// Largest upstream response body the gate takes in (to mask and journal it whole):
    /// BigQuery's largest page is 20 MB (jobs.getQueryResults), up to 100 MB when a single row
    /// is that large (tabledata.list).
    public var maxResponseBytes = 128 << 20
    /// A result page (jobs.query, getQueryResults, tabledata.list) longer than this is not held
    /// whole: its rows are masked, recorded and forwarded as they arrive.
    public var streamAboveBytes = 1 << 20

    public init() {}
}

/// The memory budget shared by a gate's requests: each reserves what its body may take
/// (its Content-Length, or the body limit) before reading it, and gives it back when answered.
public final class RequestBudget: Sendable {
    /// The limits this budget enforces.
    public let limits: RequestLimits
    private let used = Mutex(0)

    public init(limits: RequestLimits = RequestLimits()) {
        self.limits = limits
    }

    /// Reserves `bytes`; false when the budget cannot cover them now.
    public func reserve(_ bytes: Int) -> Bool {
        used.withLock { used in
            guard used + bytes <= limits.memoryBudgetBytes else { return false }
            used += bytes
            return true
        }
    }

    /// Grows what a response body holds (`reserved`) to cover `needed` bytes, a MiB at least at
    /// a time. Nil when it did; else why not: larger than `maxResponseBytes` (`tooLarge`), or
    /// beyond what the budget has left. `reserved` is what to give back with `release`.
    func take(upTo needed: Int, reserved: inout Int) -> GateError? {
        if needed > limits.maxResponseBytes {
            return .responseRefused(tooLarge: true, "the upstream's response is larger than the \(limits.maxResponseBytes) bytes the gate takes in")
        }
        guard needed > reserved else { return nil }
        let step = max(needed - reserved, 1 << 20)
        guard reserve(step) else { return .responseRefused(tooLarge: false, "the gate is at its memory budget for response bodies") }
        reserved += step
        return nil
    }

    /// Gives back what `reserve` took.
    public func release(_ bytes: Int) {
        used.withLock { $0 -= bytes }
    }

    /// Bytes reserved right now.
    public var inUse: Int { used.withLock { $0 } }
}

/// Bytes taken from a `RequestBudget` and given back when the last holder lets go (an upstream
/// response's body, however many copies of the response are passed along).
final class BudgetLease: Sendable {
    private let budget: RequestBudget
    let bytes: Int

    init(budget: RequestBudget, bytes: Int) {
        self.budget = budget
        self.bytes = bytes
    }

    deinit { budget.release(bytes) }
}
