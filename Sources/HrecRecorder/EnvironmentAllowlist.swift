/// The environment variables whose names and values may go into a session header: terminal,
/// locale and shell facts, never tokens, keys or credentials.
public enum EnvironmentAllowlist {
    /// Exact names kept.
    public static let names: Set<String> = [
        "TERM", "COLORTERM", "TERM_PROGRAM", "TERM_PROGRAM_VERSION", "LANG", "LANGUAGE", "SHELL", "USER", "LOGNAME",
        "HOME", "PWD", "TZ", "EDITOR", "VISUAL", "PAGER", "COLUMNS", "LINES", "TMUX", "SSH_TTY", "DISPLAY", "HOSTNAME",
    ]

    /// Filters `environment` to the allowlist (exact names plus `LC_*`).
    public static func filter(_ environment: [String: String]) -> [String: String] {
        environment.filter { names.contains($0.key) || $0.key.hasPrefix("LC_") }
    }
}
