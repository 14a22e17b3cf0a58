import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Parts in a directory (one machine). Each write goes to a private temporary file that is then
/// hard-linked into place with link(2), which refuses an existing name: create-only, and a
/// reader never sees a partly written part.
public struct FileStore: PartStore {
    /// The directory holding `journals/`.
    public let root: URL

    /// - Throws: `CollectorError.configuration` when the directory cannot be created (mode 0700).
    public init(root: URL) throws(CollectorError) {
        self.root = root
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .configuration("cannot create the storage directory '\(root.path)': \(error.localizedDescription)")
        }
    }

    public var location: String { "directory \(root.path)" }

    public func check() async throws(CollectorError) {
        guard access(root.path, W_OK | X_OK) == 0 else {
            throw .storage("cannot write into the storage directory '\(root.path)': \(String(cString: strerror(errno)))")
        }
    }

    public func create(_ key: String, bytes: [UInt8]) async throws(CollectorError) -> CreateOutcome {
        let target = try path(of: key)
        let directory = (target as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .storage("cannot create '\(directory)': \(error.localizedDescription)")
        }
        let temporary = directory + "/.part-\(UUID().uuidString)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .storage("cannot create '\(temporary)': \(String(cString: strerror(errno)))") }
        defer { unlink(temporary) }
        let written = writeAll(fd, bytes)
        guard written, fsync(fd) == 0 else {
            close(fd)
            throw .storage("cannot write '\(temporary)': \(String(cString: strerror(errno)))")
        }
        close(fd)
        if link(temporary, target) == 0 { return .created }
        let failure = errno
        guard failure == EEXIST else { throw .storage("cannot link '\(target)': \(String(cString: strerror(failure)))") }
        guard let existing = try await read(key) else { throw .storage("'\(target)' exists but cannot be read") }
        return .existing(existing)
    }

    public func read(_ key: String) async throws(CollectorError) -> [UInt8]? {
        let target = try path(of: key)
        guard FileManager.default.fileExists(atPath: target) else { return nil }
        guard let data = FileManager.default.contents(atPath: target) else { throw .storage("cannot read '\(target)'") }
        return Array(data)
    }

    public func list(prefix: String) async throws(CollectorError) -> [String] {
        // Keys are listed by their directory: the part of the prefix up to its last '/'.
        let slash = prefix.lastIndex(of: "/").map { prefix.index(after: $0) } ?? prefix.startIndex
        let directoryKey = String(prefix[..<slash])
        let directory = directoryKey.isEmpty ? root.path : try path(of: String(directoryKey.dropLast()))
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var keys: [String] = []
        for name in names where !name.hasPrefix(".part-") {
            let key = directoryKey + name
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                keys += try await list(prefix: key + "/").filter { $0.hasPrefix(prefix) }
            } else if key.hasPrefix(prefix) {
                keys.append(key)
            }
        }
        return keys
    }

    private func path(of key: String) throws(CollectorError) -> String {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }) else {
            throw .malformed("'\(key)' is not a storage key")
        }
        return root.path + "/" + key
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }
}
