/// One entry on a session's timeline.
///
/// `time` is a monotonic offset in microseconds from the session start, whose wall-clock anchor
/// is `SessionHeader.startedAt`. Byte payloads are kept exactly as they were (no UTF-8 repair).
public struct Record: Sendable, Equatable {
    /// Microseconds since the session started (monotonic clock).
    public var time: UInt64
    /// What happened.
    public var body: Body

    /// The payload of a record, one case per `RecordKind`.
    public enum Body: Sendable, Equatable {
        case header(SessionHeader)
        case output([UInt8])
        case input([UInt8])
        case resize(TerminalSize)
        case marker(String)
        case redaction(Redaction)
        case event(JournalEvent)
        case end(SessionEnd)
    }

    public init(time: UInt64, body: Body) {
        self.time = time
        self.body = body
    }

    /// The on-disk kind of this record.
    public var kind: RecordKind {
        switch body {
        case .header: .header
        case .output: .output
        case .input: .input
        case .resize: .resize
        case .marker: .marker
        case .redaction: .redaction
        case .event: .event
        case .end: .end
        }
    }
}

/// A terminal size in character cells.
public struct TerminalSize: Sendable, Equatable, Hashable, Codable {
    public var columns: UInt16
    public var rows: UInt16
    public init(columns: UInt16, rows: UInt16) {
        self.columns = columns
        self.rows = rows
    }
}

/// Stands in for bytes that were deliberately not recorded (e.g. typed while the pty had ECHO off).
public struct Redaction: Sendable, Equatable, Codable {
    /// What was withheld: `input` for keystrokes, or another stream name.
    public var stream: String
    /// Why, in a few words (`echo-off`, `no-input`...).
    public var reason: String
    /// How many bytes were withheld.
    public var length: UInt64
    public init(stream: String, reason: String, length: UInt64) {
        self.stream = stream
        self.reason = reason
        self.length = length
    }
}
