import Foundation

/// How approvers find the embedded gates of running `hrec run` sessions: one file per gate in
/// `$XDG_RUNTIME_DIR/hrec/gates/` (or `/tmp/hrec-<uid>/gates/`), directory 0700, files 0600.
public enum GateRegistry {
    public struct Entry: Codable, Sendable, Equatable {
        public var url: String
        public var session: String
        public var journal: String?
        public var pid: Int32
    }

    public static var directory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return URL(fileURLWithPath: runtime).appendingPathComponent("hrec/gates")
        }
        return URL(fileURLWithPath: "/tmp/hrec-\(getuid())/gates")
    }

    /// Creates the directory (0700) if it is missing, so that a sandboxed command finds it hidden
    /// rather than absent (and cannot create it to plant entries).
    public static func prepareDirectory() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Whether `path` is owned by this user and not writable by group or others: entries and the
    /// directory that holds them must be, or they are ignored (someone else could have planted them).
    static func isPrivate(_ path: String) -> Bool {
        var status = stat()
        guard lstat(path, &status) == 0 else { return false }
        return status.st_uid == geteuid() && status.st_mode & 0o022 == 0
    }

    /// Registers a gate; returns the file to remove when it stops.
    @discardableResult
    public static func register(_ entry: Entry) throws -> URL {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try fileManager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
        let url = directory.appendingPathComponent("\(entry.session).json")
        let data = try JSONEncoder().encode(entry)
        guard fileManager.createFile(atPath: url.path, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw GateError.configuration("cannot write \(url.path)")
        }
        return url
    }

    /// The registered gates whose process is still alive.
    public static func entries() -> [Entry] {
        guard isPrivate(directory.path), isPrivate(directory.deletingLastPathComponent().path) else { return [] }
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return files.filter { $0.pathExtension == "json" && isPrivate($0.path) }.compactMap { file in
            guard let data = FileManager.default.contents(atPath: file.path),
                  let entry = try? JSONDecoder().decode(Entry.self, from: data) else { return nil }
            return kill(entry.pid, 0) == 0 ? entry : nil
        }
    }
}
