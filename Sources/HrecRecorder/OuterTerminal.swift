import CPosix
import HrecJournal
#if canImport(Glibc)
import Glibc
#endif

/// The person's terminal: hrec's stdin when it is a tty. Raw mode in, saved settings back out.
final class OuterTerminal {
    let fd: Int32
    private var saved: termios?

    /// The terminal on `fd`, or nil when `fd` is not a terminal (pipes, CI).
    init?(fd: Int32 = STDIN_FILENO) {
        guard isatty(fd) == 1 else { return nil }
        self.fd = fd
    }

    /// Current size, if the terminal reports one.
    var size: TerminalSize? {
        var window = winsize()
        guard hrec_get_winsize(fd, &window) == 0, window.ws_col > 0, window.ws_row > 0 else { return nil }
        return TerminalSize(columns: window.ws_col, rows: window.ws_row)
    }

    /// Saves the settings and switches to raw mode (no echo, no line editing, no signals from keys:
    /// Ctrl-C travels to the child as a byte).
    func enterRawMode() throws(RecorderError) {
        var attributes = termios()
        guard tcgetattr(fd, &attributes) == 0 else { throw .system(operation: "tcgetattr on the terminal", errno: .current) }
        saved = attributes
        cfmakeraw(&attributes)
        guard tcsetattr(fd, TCSAFLUSH, &attributes) == 0 else { throw .system(operation: "tcsetattr on the terminal", errno: .current) }
    }

    /// Puts back the settings saved by `enterRawMode` (idempotent).
    func restore() {
        guard var attributes = saved else { return }
        _ = tcsetattr(fd, TCSAFLUSH, &attributes)
        saved = nil
    }

    deinit { restore() }
}
