import HrecPolicy
import Synchronization

/// The schemas of tables the gate has fetched (tables.get through its own credential), keyed
/// `project.dataset.table`, for the policy's rules on columns. A miss, or an entry older than
/// `lifetime`, calls `fetch`: a column added upstream is seen within that time. A failed fetch
/// is not kept: the next decision asks again, and meanwhile the columns stay unresolved (rules
/// on them fail closed).
public final class TableSchemaCache: Sendable {
    private struct Entry {
        var fields: [SchemaField]
        var fetched: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// At most this many tables are kept (a flood of distinct names cannot grow the gate's memory without bound).
    let capacity: Int
    let lifetime: Duration

    public init(capacity: Int = 4096, lifetime: Duration = .seconds(60)) {
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// The schema of `table` (`project.dataset.table`): cached and fresh, or fetched with `fetch`
    /// and kept; nil when it is neither (no lock is held while fetching).
    public func schema(_ table: String, fetch: @Sendable () async -> [SchemaField]?) async -> [SchemaField]? {
        let now = ContinuousClock.now
        if let cached = entries.withLock({ $0[table] }), now - cached.fetched < lifetime { return cached.fields }
        guard let fetched = await fetch() else { return nil }
        entries.withLock { cache in
            if cache.count >= capacity, cache[table] == nil {
                // Full: the stalest entry makes room.
                if let victim = cache.min(by: { $0.value.fetched < $1.value.fetched })?.key { cache[victim] = nil }
            }
            cache[table] = Entry(fields: fetched, fetched: ContinuousClock.now)
        }
        return fetched
    }

    /// How many tables are cached.
    public var count: Int { entries.withLock { $0.count } }
}
