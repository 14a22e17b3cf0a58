import Synchronization

/// Bounds on what one request, and all requests together, may hold in the gate's memory.
public struct RequestLimits: Sendable {
    /// Largest request body (BigQuery's own limit for an HTTP request is 10 MB).
    public var maxBodyBytes = 10 << 20
    /// Longest query text, in characters (BigQuery: 1,024K characters of unresolved GoogleSQL).
    public var maxQueryCharacters = 1024 * 1024
    /// Bytes of request bodies held at once by all requests; a request that would exceed it is
    /// answered with a retryable 503 instead of being read.
    public var memoryBudgetBytes = 256 << 20

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

    /// Gives back what `reserve` took.
    public func release(_ bytes: Int) {
        used.withLock { $0 -= bytes }
    }

    /// Bytes reserved right now.
    public var inUse: Int { used.withLock { $0 } }
}
