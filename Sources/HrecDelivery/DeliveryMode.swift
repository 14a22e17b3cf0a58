/// How `hrec run` delivers its journal (docs/collector.md, "Delivery modes").
public enum DeliveryMode: String, Sendable, CaseIterable {
    /// The session never waits for the collector; what is not delivered stays in the journal
    /// and is sent later (`hrec deliver`, the next `hrec run`).
    case async
    /// The command's output is held while a frame is unacknowledged for longer than the
    /// window; the session ends when that lasts longer than the timeout.
    case sync
}
