/// Everything that can go wrong while cataloguing, searching or exporting journals.
public enum ExportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The SQLite index at `path` failed: `operation` and SQLite's message.
    case index(path: String, operation: String, message: String)
    /// A file or directory could not be read or written.
    case io(path: String, operation: String, reason: String)
    /// A journal could not be read (the journal library's message).
    case journal(path: String, reason: String)
    /// A user-supplied value (a regex, a date, a format) is not valid.
    case invalidArgument(String)

    /// One line, naming what failed and where.
    public var description: String {
        switch self {
        case let .index(path, operation, message): "session index '\(path)': cannot \(operation): \(message)"
        case let .io(path, operation, reason): "cannot \(operation) '\(path)': \(reason)"
        case let .journal(path, reason):
            // The journal library's messages already start with "journal 'path'": not twice.
            reason.hasPrefix("journal '\(path)'") || reason.contains("'\(path)'") ? reason : "journal '\(path)': \(reason)"
        case let .invalidArgument(message): message
        }
    }
}
