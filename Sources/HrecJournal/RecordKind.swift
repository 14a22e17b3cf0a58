/// The kind of a journal record, as stored on disk in the first byte of every record.
///
/// These numeric codes reach disk: they are frozen for format version 1 and must never change.
/// A new kind gets a new, never-used code (see docs/journal-format.md, "Versioning").
public enum RecordKind: UInt8, Sendable, CaseIterable, Codable {
    /// Session header: JSON object, always the first record of a journal. Code frozen.
    case header = 1
    /// Bytes the wrapped program wrote to the terminal, exactly as read from the pty. Code frozen.
    case output = 2
    /// Bytes the person typed, exactly as read from the terminal. Code frozen.
    case input = 3
    /// Terminal size change: u16 columns, u16 rows, little endian. Code frozen.
    case resize = 4
    /// A named point on the timeline (UTF-8 label). Code frozen.
    case marker = 5
    /// Something withheld on purpose: JSON with what and how many bytes, never the bytes. Code frozen.
    case redaction = 6
    /// Structured event (gate request, decision, approval...): a JSON object with a "type". Code frozen.
    case event = 7
    /// Session end: JSON with exit status or signal, counts, wall-clock end. Code frozen.
    case end = 8

    /// Lower-case name used in JSON output (`hrec cat`, exports).
    public var name: String {
        switch self {
        case .header: "header"
        case .output: "output"
        case .input: "input"
        case .resize: "resize"
        case .marker: "marker"
        case .redaction: "redaction"
        case .event: "event"
        case .end: "end"
        }
    }
}
