import CPosix
import Foundation

/// What hrec does to itself before it starts a command it records.
public enum ProcessHardening {
    /// Marks hrec non-dumpable (`prctl(PR_SET_DUMPABLE, 0)`): no core file, and no process of the
    /// same user can ptrace it or read `/proc/PID/mem` or `/proc/PID/environ`.
    public static func makeNonDumpable() {
        _ = hrec_make_nondumpable()
    }

    /// Removes `names` from hrec's own environment, overwriting their values in place so that
    /// `/proc/PID/environ` no longer shows them; returns what they held.
    public static func takeEnvironment(_ names: some Sequence<String>) -> [String: String] {
        var taken: [String: String] = [:]
        for name in names {
            guard let value = getenv(name) else { continue }
            taken[name] = String(cString: value)
            hrec_scrub_environment_variable(name)
        }
        return taken
    }
}
