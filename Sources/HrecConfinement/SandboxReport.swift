/// What `hrec-sandbox` reports on its descriptor when the command ends: the command's own
/// status, and how many processes it left behind that the sandbox ended.
public struct SandboxReport: Sendable, Equatable {
    public enum Status: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        /// The command could not be started inside the sandbox (errno of exec).
        case cannotRun(Int32)
    }

    public var status: Status
    public var endedProcesses: Int

    public init(status: Status, endedProcesses: Int) {
        self.status = status
        self.endedProcesses = endedProcesses
    }

    /// Parses `exited N ended K`, `signaled N ended K` or `cannot-run ERRNO`; nil for anything else
    /// (the sandbox died before reporting).
    public init?(line: String) {
        let words = line.split(separator: " ").map(String.init)
        if words.count == 2, words[0] == "cannot-run", let errno = Int32(words[1]) {
            self.init(status: .cannotRun(errno), endedProcesses: 0)
            return
        }
        guard words.count == 4, words[2] == "ended", let value = Int32(words[1]), let ended = Int(words[3]), ended >= 0 else { return nil }
        switch words[0] {
        case "exited": self.init(status: .exited(value), endedProcesses: ended)
        case "signaled": self.init(status: .signaled(value), endedProcesses: ended)
        default: return nil
        }
    }
}
