import Foundation
import HrecCollector
import HrecJournal

/// A receipt as the recorder journals it: an event record `{"type": "collector.receipt", ...the
/// receipt's members...}` (docs/collector.md, "Receipt"), so the local journal carries proof of
/// what left the machine and when.
extension Receipt {
    /// The journal event type a receipt is recorded as. Never changes.
    public static let eventType = "collector.receipt"

    /// The receipt as the journal event the recorder appends.
    /// - Throws: when it cannot be encoded (never for a decoded receipt).
    public func journalEvent() throws -> JournalEvent {
        try JournalEvent(type: Self.eventType, payload: self)
    }

    /// The receipt carried by `event`, if it is a `collector.receipt` event.
    public init?(event: JournalEvent) {
        guard event.type == Self.eventType, let receipt = try? event.decode(Receipt.self) else { return nil }
        self = receipt
    }

    /// When the collector received the frames.
    public var receivedAt: Date { Date(timeIntervalSince1970: Double(receivedAtMicros) / 1_000_000) }
}
