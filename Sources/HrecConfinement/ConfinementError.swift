/// Why a command cannot be confined.
public enum ConfinementError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The machine cannot build the sandbox (the reason names the cause).
    case unavailable(String)
    /// hrec could not prepare its side of the sandbox (a directory, a pipe).
    case setup(String)

    public var description: String {
        switch self {
        case let .unavailable(reason): "cannot confine the command: \(reason); run with --unconfined to record without confinement"
        case let .setup(reason): "cannot set up the sandbox: \(reason)"
        }
    }
}
