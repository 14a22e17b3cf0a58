import Foundation
import HrecJournal
#if canImport(Glibc)
import Glibc
#endif

/// Finds a command the way execvp(3) will, before anything is recorded, so that a command that
/// cannot start is one clear error and leaves no journal behind.
public enum CommandPath {
    /// The executable `name` names: itself when it contains a slash, else the first executable
    /// file of that name in `searchPath` (a PATH value; the default path when nil or empty).
    /// - Throws: `RecorderError.cannotRun` (ENOENT when there is no such file, EACCES when
    ///   no match may be executed, EISDIR for a directory).
    public static func resolve(_ name: String, searchPath: String?) throws(RecorderError) -> String {
        if name.isEmpty { throw .cannotRun(command: name, errno: Errno(ENOENT)) }
        if name.contains("/") {
            if let problem = problem(name) { throw .cannotRun(command: name, errno: Errno(problem)) }
            return name
        }
        let path = (searchPath?.isEmpty ?? true) ? "/usr/local/bin:/usr/bin:/bin" : searchPath!
        var seen = ENOENT
        for directory in path.split(separator: ":", omittingEmptySubsequences: false) {
            let candidate = (directory.isEmpty ? "." : String(directory)) + "/" + name
            guard let failure = problem(candidate) else { return candidate }
            if failure != ENOENT && failure != ENOTDIR { seen = failure }
        }
        throw .cannotRun(command: name, errno: Errno(seen))
    }

    /// Why `path` cannot be executed, or nil when it can.
    private static func problem(_ path: String) -> Int32? {
        var status = stat()
        guard stat(path, &status) == 0 else { return errno }
        if (status.st_mode & mode_t(S_IFMT)) == mode_t(S_IFDIR) { return EISDIR }
        return access(path, X_OK) == 0 ? nil : errno
    }
}
