import HrecPolicy
import Synchronization

/// The schemas of tables the gate has fetched (tables.get through its own credential), keyed
/// `project.dataset.table`. A miss calls `fetch`; a schema once fetched is kept for the gate's
/// life (a column added later is seen after a restart). A failed fetch is not kept: the next
/// decision asks again, and meanwhile the columns stay unresolved (rules on them fail closed).
public final class TableSchemaCache: Sendable {
    private let schemas = Mutex<[String: [SchemaField]]>([:])
    /// At most this many tables are kept (a flood of distinct names cannot grow the gate's memory without bound).
    let capacity: Int

    public init(capacity: Int = 4096) {
        self.capacity = capacity
    }

    /// The schema of `table` (`project.dataset.table`): cached, or fetched with `fetch` and kept.
    public func schema(_ table: String, fetch: @Sendable () async -> [SchemaField]?) async -> [SchemaField]? {
        if let cached = schemas.withLock({ $0[table] }) { return cached }
        guard let fetched = await fetch() else { return nil }
        schemas.withLock { cache in
            if cache.count >= capacity, cache[table] == nil, let victim = cache.keys.first { cache[victim] = nil }
            cache[table] = fetched
        }
        return fetched
    }

    /// How many tables are cached.
    public var count: Int { schemas.withLock { $0.count } }
}
