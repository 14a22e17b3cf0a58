import Foundation

/// The bubblewrap command line for a `ConfinementPlan`: new user, PID, network, IPC, UTS and
/// mount namespaces; the host filesystem as it is, minus hidden paths; `hrec-sandbox` as
/// process 1, relaying loopback ports to hrec's sockets and ending every leftover process.
public struct BubblewrapArguments: Sendable {
    /// Where bwrap is (resolved by `ConfinementProbe`).
    public var bwrap: String
    /// The `hrec-sandbox` program (process 1 inside).
    public var sandboxInit: String
    /// An empty read-only file bound over hidden files.
    public var emptyFile: String

    public init(bwrap: String, sandboxInit: String, emptyFile: String) {
        self.bwrap = bwrap
        self.sandboxInit = sandboxInit
        self.emptyFile = emptyFile
    }

    /// How a path exists on the host, for choosing the mount that hides it.
    public enum PathKind: Sendable { case directory, file, missing }

    /// The argv that runs `command` confined by `plan`, the report pipe being descriptor 3.
    /// - Parameter kind: how each path exists (injected so the arguments are testable without files).
    public func argv(plan: ConfinementPlan, command: [String], kind: (String) -> PathKind = Self.kind(of:)) -> [String] {
        var arguments = [bwrap, "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                         "--bind", "/", "/", "--dev-bind", "/dev", "/dev", "--proc", "/proc"]
        // A path inside a hidden directory is hidden with it; an exposed path inside one is bound
        // before the directory is made read-only (bwrap creates its mount point in the tmpfs).
        let hidden = plan.hidden.filter { path in !plan.hidden.contains { $0 != path && Self.contains($0, path) } }
        var hiddenDirectories: [String] = []
        for path in hidden {
            switch kind(path) {
            case .directory:
                arguments += ["--tmpfs", path]
                hiddenDirectories.append(path)
            case .file: arguments += ["--ro-bind", emptyFile, path]
            case .missing: break
            }
        }
        for path in plan.readOnly where kind(path) != .missing { arguments += ["--ro-bind", path, path] }
        for path in plan.exposed where kind(path) != .missing { arguments += ["--ro-bind", path, path] }
        for path in hiddenDirectories { arguments += ["--remount-ro", path] }
        arguments += ["--as-pid-1", "--", sandboxInit, "--report-fd", "3"]
        for relay in plan.relays { arguments += ["--relay", "\(relay.address):\(relay.port)=\(relay.socket)"] }
        return arguments + ["--"] + command
    }

    /// Whether `directory` is a proper ancestor of `path`.
    static func contains(_ directory: String, _ path: String) -> Bool {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(prefix)
    }

    /// The kind of `path` on the host, symlinks followed (a hidden symlink hides its target).
    public static func kind(of path: String) -> PathKind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        return isDirectory.boolValue ? .directory : .file
    }
}
