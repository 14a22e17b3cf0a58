/// Something the session's output must wait for besides the journal, e.g. a collector in sync
/// delivery mode: while `holdReason()` is non-nil the relay reads neither the pty nor the
/// person's input (the command blocks once the pty buffer is full), and after `limitMicros`
/// of holding, hrec ends the session with the reason journaled.
public protocol OutputHold: Sendable {
    /// Why output is held right now, or nil when it may flow.
    func holdReason() -> String?
    /// How long a hold may last before hrec ends the session, in µs.
    var limitMicros: UInt64 { get }
}
