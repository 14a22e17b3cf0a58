/// Where the collector keeps parts: create-only writes, reads, and listing by prefix. A store
/// never overwrites: several collectors may share one, and the loser of a race reads back what
/// the winner stored.
public protocol PartStore: Sendable {
    /// Stores `bytes` under `key` unless something is already there.
    /// - Returns: `.created`, or `.existing` with the bytes already held.
    /// - Throws: `CollectorError.storage` naming the store, the key and what went wrong.
    func create(_ key: String, bytes: [UInt8]) async throws(CollectorError) -> CreateOutcome

    /// The bytes stored under `key`; nil when there are none.
    /// - Throws: `CollectorError.storage`.
    func read(_ key: String) async throws(CollectorError) -> [UInt8]?

    /// Every key starting with `prefix`, in no particular order. (The checks of `JournalIntake`
    /// do not list: they read, so a store's listing need not be consistent with its writes.)
    /// - Throws: `CollectorError.storage`.
    func list(prefix: String) async throws(CollectorError) -> [String]

    /// Checks that the store can be reached with its credentials (at startup).
    /// - Throws: `CollectorError.storage` with the store's answer.
    func check() async throws(CollectorError)

    /// Where it stores, for messages (`directory /var/lib/...`, `s3://bucket/prefix`).
    var location: String { get }
}

/// What a create-only write found.
public enum CreateOutcome: Sendable, Equatable {
    /// The bytes were stored.
    case created
    /// Something was already stored under the key: these bytes.
    case existing([UInt8])
}
