import HrecPolicy
import Synchronization

/// What the gate remembers of the jobs it forwarded: which ids it started (so a jobs.get or
/// getQueryResults for another job is refused) and, per job, the tables its query read, its SQL
/// and its result schema (so every page of its results is masked alike). Behind one lock held
/// only for a lookup or an update, never across masking or I/O: unrelated requests do not wait
/// on each other.
final class ForwardedJobs: Sendable {
    private struct State {
        var known: Set<String> = []
        var info: [String: JobInfo] = [:]
    }

    private let state = Mutex(State())

    /// Marks `job` as started through this gate.
    func insert(_ job: String) {
        state.withLock { _ = $0.known.insert(job) }
    }

    /// Whether `job` was started through this gate.
    func contains(_ job: String) -> Bool {
        state.withLock { $0.known.contains(job) }
    }

    /// What is known of `job`.
    func info(_ job: String) -> JobInfo? {
        state.withLock { $0.info[job] }
    }

    /// Changes what is known of `job` (starting from an empty `JobInfo`).
    func update(_ job: String, _ change: (inout JobInfo) -> Void) {
        state.withLock { change(&$0.info[job, default: JobInfo()]) }
    }
}

/// What the gate remembers of a job it forwarded: the tables it read and its result schema.
struct JobInfo: Sendable {
    var tables: [String] = []
    var sql: String?
    var schema: [SchemaField]?
}
