import Foundation
import HrecCollector
import HrecTestSupport
import Testing

/// The directory store never overwrites: the second writer of a key reads back the first's bytes.
@Suite struct FileStoreTests {
    let store: FileStore

    init() throws {
        store = try FileStore(root: Fixtures.temporaryDirectory("collector-store").appendingPathComponent("store"))
    }

    @Test func createIsCreateOnly() async throws {
        #expect(try await store.create("journals/s/frames/0000000000000000", bytes: [1, 2, 3]) == .created)
        #expect(try await store.create("journals/s/frames/0000000000000000", bytes: [9]) == .existing([1, 2, 3]))
        #expect(try await store.read("journals/s/frames/0000000000000000") == [1, 2, 3])
        #expect(try await store.read("journals/s/frames/0000000000000001") == nil)
        _ = try await store.create("journals/s/preamble", bytes: [7])
        #expect(Set(try await store.list(prefix: "journals/s/")) == ["journals/s/preamble", "journals/s/frames/0000000000000000"])
    }

    @Test func racingWritersLeaveOneWinner() async throws {
        let outcomes = try await withThrowingTaskGroup(of: CreateOutcome.self) { group in
            for writer in 0..<16 { group.addTask { try await store.create("journals/r/index", bytes: [UInt8(writer)]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .created }.count == 1)
        let held = try #require(try await store.read("journals/r/index"))
        #expect(outcomes.allSatisfy { $0 == .created || $0 == .existing(held) })
        #expect(try await store.list(prefix: "journals/r/") == ["journals/r/index"])
    }

    @Test(arguments: ["../escape", "journals//x", "journals/./x", ""])
    func keysThatLeaveTheDirectoryAreRefused(key: String) async {
        await #expect(throws: CollectorError.self) { try await store.create(key, bytes: [1]) }
    }
}
