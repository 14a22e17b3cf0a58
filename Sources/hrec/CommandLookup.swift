import Foundation

/// Finds the program `hrec run` is asked to run before anything is recorded, as `execvp` would:
/// a name with a slash is a path, any other is searched in `PATH`. Inside the sandbox the
/// command could only fail later, after a journal and a sandbox were made for nothing.
enum CommandLookup {
    /// - Throws: `CLIError` with exit status 127, `cannot run 'NAME': No such file or directory`
    ///   (or `Permission denied`), as the shell would say.
    static func check(_ name: String, path: String?) throws {
        let candidates = name.contains("/") ? [name]
            : (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
                .map { ($0.isEmpty ? "." : String($0)) + "/" + name }
        var sawFile = false
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            sawFile = true
            if access(candidate, X_OK) == 0 { return }
        }
        let reason = sawFile ? "Permission denied" : "No such file or directory"
        throw CLIError("cannot run '\(name)': \(reason)", exitCode: 127)
    }
}
