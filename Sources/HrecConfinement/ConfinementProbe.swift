import Foundation

/// Finds bubblewrap and `hrec-sandbox` and checks, with a trivial sandbox, that this machine lets
/// an unprivileged process create the namespaces `hrec run` needs.
public enum ConfinementProbe {
    /// The programs a sandbox needs, once they are known to work here.
    public struct Tools: Sendable, Equatable {
        public var bwrap: String
        public var sandboxInit: String
    }

    /// - Throws: `ConfinementError.unavailable` naming the cause (bwrap missing, user namespaces
    ///   disabled, an AppArmor restriction: bubblewrap's own message).
    public static func check() throws(ConfinementError) -> Tools {
        guard let bwrap = findBwrap() else {
            throw .unavailable("bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap)")
        }
        guard let sandboxInit = findSandboxInit() else {
            throw .unavailable("hrec-sandbox is missing beside the hrec executable")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bwrap)
        process.arguments = ["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                             "--ro-bind", "/", "/", "--proc", "/proc", "--as-pid-1", "--", "/bin/true"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw .unavailable("cannot run \(bwrap): \(error.localizedDescription)") }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let line = String(decoding: message, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "status \(process.terminationStatus)"
            throw .unavailable("bubblewrap cannot create the namespaces (\(line)); user namespaces may be disabled")
        }
        return Tools(bwrap: bwrap, sandboxInit: sandboxInit)
    }

    /// bwrap from the system's directories only: never from the person's PATH.
    static func findBwrap() -> String? {
        let directories = ["/usr/bin", "/bin", "/usr/local/bin"]
        return directories.map { "\($0)/bwrap" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `hrec-sandbox` in the directory of the running executable.
    static func findSandboxInit() -> String? {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let candidates = [
            Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent(),
            executable.deletingLastPathComponent(),
        ].compactMap { $0?.appendingPathComponent("hrec-sandbox").path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
