import Foundation
import HrecJournal

/// Where a session's journal goes: `$XDG_DATA_HOME/hrec/sessions/` by default, or the file or
/// directory named by `--journal`.
public enum JournalLocation {
    /// `$XDG_DATA_HOME/hrec/sessions` or `~/.local/share/hrec/sessions`.
    public static var defaultDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("hrec/sessions")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/hrec/sessions")
    }

    /// The journal file for a new session. `requested` may name a file (used as is) or an
    /// existing directory; either way the directory must exist (a typo is not silently turned
    /// into new directories). Only the default directory is created (0700) when missing.
    /// - Throws: `RecorderError.system` when the directory is missing or cannot be created.
    public static func resolve(_ requested: String?, sessionID: SessionID, startedAt: Date) throws(RecorderError) -> URL {
        var isDirectory: ObjCBool = false
        if let requested {
            let url = URL(fileURLWithPath: requested)
            if FileManager.default.fileExists(atPath: requested, isDirectory: &isDirectory) && isDirectory.boolValue {
                return url.appendingPathComponent(fileName(sessionID: sessionID, startedAt: startedAt))
            }
            let parent = requested.hasSuffix("/") ? url : url.deletingLastPathComponent()
            guard FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw .system(operation: "--journal '\(requested)': directory '\(parent.path)'", errno: Errno(ENOENT))
            }
            return url
        }
        let directory = defaultDirectory
        try create(directory)
        return directory.appendingPathComponent(fileName(sessionID: sessionID, startedAt: startedAt))
    }

    /// `2026-11-22T10-05-00Z-1a2b3c4d.hrec`: sorts by time, unique by session id.
    public static func fileName(sessionID: SessionID, startedAt: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH-mm-ss'Z'"
        return "\(formatter.string(from: startedAt))-\(sessionID.description.prefix(8)).hrec"
    }

    private static func create(_ directory: URL) throws(RecorderError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
            let code = underlying.map { Int32($0.code) } ?? EACCES
            throw .system(operation: "create directory '\(directory.path)'", errno: Errno(code))
        }
    }
}
