import HrecDelivery
import HrecJournal
import HrecRecorder

/// Sync delivery as an output hold: output waits while the oldest unacknowledged frame is older
/// than the window; the session ends when a hold lasts longer than the timeout.
struct SyncDeliveryHold: OutputHold {
    let shipper: JournalShipper
    let windowMicros: UInt64
    let limitMicros: UInt64

    func holdReason() -> String? {
        let age = shipper.oldestPendingAge()
        guard age > windowMicros else { return nil }
        let progress = shipper.current
        let cause = (progress.fatalError ?? progress.lastError).map { ": \($0)" } ?? ""
        let pending = progress.localFrames - min(progress.localFrames, progress.deliveredFrames)
        return "\(pending) frame\(pending == 1 ? "" : "s") not acknowledged by \(shipper.client.baseURL) for \(age / 1_000_000) s\(cause)"
    }
}
