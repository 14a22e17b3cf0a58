import HrecGate
import HrecPolicy
import Synchronization
import Testing

@Suite struct TableSchemaCacheTests {
    /// Counts the fetches a cache makes and answers them with `fields` (nil: the upstream has no schema).
    final class Upstream: Sendable {
        let calls = Mutex(0)
        let fields: [SchemaField]?
        init(_ fields: [SchemaField]?) { self.fields = fields }
        func fetch() -> [SchemaField]? {
            calls.withLock { $0 += 1 }
            return fields
        }
    }

    let ssn = [SchemaField(name: "ssn", type: "STRING")]

    @Test func aSchemaIsFetchedOnceAndKept() async {
        let cache = TableSchemaCache(), upstream = Upstream(ssn)
        #expect(await cache.schema("p.shop.customers") { upstream.fetch() } == ssn)
        #expect(await cache.schema("p.shop.customers") { upstream.fetch() } == ssn)
        #expect(upstream.calls.withLock { $0 } == 1)
        #expect(cache.count == 1)
    }

    @Test func aFailedFetchIsNotKept() async {
        let cache = TableSchemaCache(), upstream = Upstream(nil)
        #expect(await cache.schema("p.shop.nope") { upstream.fetch() } == nil)
        #expect(await cache.schema("p.shop.nope") { upstream.fetch() } == nil)
        #expect(upstream.calls.withLock { $0 } == 2)
        #expect(cache.count == 0)
    }

    @Test func staleEntriesAreFetchedAgainAndTheCacheIsBounded() async {
        let stale = TableSchemaCache(lifetime: .zero), upstream = Upstream(ssn)
        _ = await stale.schema("p.d.t") { upstream.fetch() }
        _ = await stale.schema("p.d.t") { upstream.fetch() }
        #expect(upstream.calls.withLock { $0 } == 2)
        let small = TableSchemaCache(capacity: 2)
        for name in ["p.d.a", "p.d.b", "p.d.c"] { _ = await small.schema(name) { upstream.fetch() } }
        #expect(small.count == 2)
    }
}
