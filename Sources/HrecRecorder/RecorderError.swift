import HrecJournal

/// What can go wrong recording a session. Messages name the command or file and the reason.
public enum RecorderError: Error, Sendable, CustomStringConvertible {
    /// The command could not be started (exec failed, e.g. not found).
    case cannotRun(command: String, errno: Errno)
    /// A pty, pipe or terminal operation failed.
    case system(operation: String, errno: Errno)
    /// The journal could not be created or written.
    case journal(JournalError)
    /// The password-prompt pattern is not a valid regular expression.
    case invalidPasswordPrompt(String)

    public var description: String {
        switch self {
        case let .cannotRun(command, errno): "cannot run '\(command)': \(errno)"
        case let .system(operation, errno): "\(operation): \(errno)"
        case let .journal(error): error.description
        case let .invalidPasswordPrompt(pattern): "--password-prompt '\(pattern)' is not a valid regular expression"
        }
    }
}
