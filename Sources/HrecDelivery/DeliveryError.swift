import HrecJournal

/// Everything that can go wrong shipping a journal to a collector. Messages say what, where and why.
public enum DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The collector could not be reached, timed out, or answered with a server error: retried.
    case unreachable(collector: String, reason: String)
    /// The collector refused the request (4xx other than a divergence); retried when the cause may pass (401, 403, 408, 429).
    case refused(collector: String, status: Int, reason: String)
    /// The collector holds parts that differ from the local journal (409 `diverged`, or a receipt
    /// whose chain head is not the local one): never retried.
    case diverged(collector: String, detail: String)
    /// The collector's answer is not what the protocol says.
    case badAnswer(collector: String, detail: String)
    /// The local journal cannot be read or is not a journal.
    case journal(JournalError)
    /// The local journal stops being a journal at some byte (damaged).
    case damaged(String)
    /// The identity token cannot be read.
    case token(path: String, reason: String)
    /// A bad URL, mode or option.
    case configuration(String)
    /// A local copy of collected journals cannot be written (`CollectorMirror`).
    case copy(String)

    /// Whether trying again later can help.
    public var isRetryable: Bool {
        switch self {
        case .unreachable, .token: true
        case let .refused(_, status, _): [401, 403, 408, 429].contains(status)
        case .journal(.io): true
        default: false
        }
    }

    public var description: String {
        switch self {
        case let .unreachable(collector, reason): "cannot reach the collector \(collector): \(reason)"
        case let .refused(collector, status, reason): "the collector \(collector) refused the request (HTTP \(status)): \(reason)"
        case let .diverged(collector, detail): "the collector \(collector) refused the journal as diverged: \(detail)"
        case let .badAnswer(collector, detail): "unexpected answer from the collector \(collector): \(detail)"
        case let .journal(error): error.description
        case let .damaged(detail): "the journal is damaged: \(detail)"
        case let .token(path, reason): "cannot read the identity token '\(path)': \(reason)"
        case let .configuration(detail): detail
        case let .copy(detail): detail
        }
    }
}
