import CPosix
import HrecJournal
#if canImport(Glibc)
import Glibc
#endif

/// A command running on a new pty: its pid and the pty master.
final class PtyChild {
    let pid: pid_t
    let master: FileDescriptor
    private(set) var status: ExitStatus?
    /// Whether the child is bubblewrap running the command in a sandbox.
    private let sandboxed: Bool

    /// How the child ended.
    enum ExitStatus: Equatable {
        case exited(Int32)
        case signaled(Int32)

        /// The status hrec itself exits with: the code, or 128 + the signal number.
        var shellStatus: Int32 {
            switch self {
            case let .exited(code): code
            case let .signaled(signal): 128 + signal
            }
        }
    }

    /// Forks and execs `command` on a new pty of `size` (fork/exec happens in C: `hrec_spawn_pty`).
    /// - Throws: `RecorderError.cannotRun` when exec fails (e.g. the command does not exist).
    /// `keep` is passed to the command as descriptor 3 (the sandbox's report pipe); every other
    /// descriptor but the pty is closed before exec.
    init(command: [String], environment: [String: String], size: TerminalSize?, keep: FileDescriptor? = nil,
         sandboxed: Bool = false) throws(RecorderError) {
        self.sandboxed = sandboxed
        precondition(!command.isEmpty, "empty command")
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var window = winsize(ws_row: size?.rows ?? 24, ws_col: size?.columns ?? 80, ws_xpixel: 0, ws_ypixel: 0)
        var masterFD: Int32 = -1
        // execvpe searches the PATH of the environment it is given; make it the child's PATH.
        let pid = withUnsafePointer(to: &window) { windowPointer in
            hrec_spawn_pty(command[0], argv, envp, windowPointer, keep?.rawValue ?? -1, &masterFD)
        }
        guard pid > 0 else { throw .cannotRun(command: command[0], errno: .current) }
        self.pid = pid
        master = FileDescriptor(rawValue: masterFD)
    }

    /// Reaps the child if it has exited (`WNOHANG`); returns its status once known.
    @discardableResult
    func poll() -> ExitStatus? {
        if status == nil { reap(options: WNOHANG) }
        return status
    }

    /// Waits for the child to exit.
    func wait() -> ExitStatus {
        while status == nil { reap(options: 0) }
        return status!
    }

    /// Sends `signal` to the child's process group (the session it leads), falling back to the child.
    /// In a sandbox the command runs in a process group of its own, in the terminal's foreground,
    /// while the child is bubblewrap: polite signals go to that foreground group only (bubblewrap
    /// would die at once and take the command with it before it could answer); SIGKILL ends the
    /// sandbox as a whole.
    func send(_ signal: Int32) {
        guard status == nil else { return }
        let foreground = sandboxed ? hrec_foreground_group(master.rawValue) : -1
        if foreground > 0 && foreground != pid {
            kill(-foreground, signal)
            if signal != SIGKILL { return }
        }
        if kill(-pid, signal) != 0 { kill(pid, signal) }
    }

    /// Copies `size` to the pty (the kernel then sends SIGWINCH to the foreground group).
    func resize(_ size: TerminalSize) {
        var window = winsize(ws_row: size.rows, ws_col: size.columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = hrec_set_winsize(master.rawValue, &window)
    }

    /// Whether the pty currently echoes input (false during password prompts).
    var echoes: Bool { hrec_echo_enabled(master.rawValue) != 0 }

    private func reap(options: Int32) {
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, options)
        if result == pid {
            var value: Int32 = 0
            switch hrec_decode_wait_status(raw, &value) {
            case 1: status = .exited(value)
            case 2: status = .signaled(value)
            default: break
            }
        } else if result < 0 && errno == ECHILD {
            status = status ?? .exited(0)
        }
    }
}
