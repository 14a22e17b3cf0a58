#if canImport(Glibc)
import Glibc
#endif

/// Which file a path or descriptor names: device and inode, plus its link count.
public struct FileIdentity: Sendable, Equatable, CustomStringConvertible {
    /// `st_dev`.
    public var device: UInt64
    /// `st_ino`.
    public var inode: UInt64
    /// Hard links to the file; 0 once it is deleted (still open through a descriptor).
    public var links: UInt64

    /// `stat(2)` of `path`; nil when the path does not exist (or cannot be looked up).
    public static func of(path: String) -> FileIdentity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileIdentity(info)
    }

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        links = UInt64(info.st_nlink)
    }

    /// Whether both name the same file (device and inode).
    public func isSameFile(as other: FileIdentity) -> Bool {
        device == other.device && inode == other.inode
    }

    public var description: String { "device \(device) inode \(inode)" }
}

extension FileDescriptor {
    /// `fstat(2)`: the file this descriptor refers to.
    public func identity() throws(Errno) -> FileIdentity {
        var info = stat()
        _ = try Self.retrying { fstat(rawValue, &info) }
        return FileIdentity(info)
    }
}

/// The journal's path no longer names the file hrec writes: it was deleted, or replaced by
/// another file (a copy, a shorter copy, anything). Found by comparing device and inode of the
/// path with those of the descriptor, and the descriptor's link count.
public struct JournalDisplacement: Sendable, Equatable, Codable, CustomStringConvertible {
    /// "deleted" or "replaced".
    public var kind: String
    /// The journal's path.
    public var path: String
    /// Device of what the path names now (nil when deleted).
    public var foundDevice: UInt64?
    /// Inode of what the path names now (nil when deleted).
    public var foundInode: UInt64?
    /// Device of the file hrec writes.
    public var device: UInt64
    /// Inode of the file hrec writes.
    public var inode: UInt64
    /// Link count of the file hrec writes (0 once deleted).
    public var links: UInt64

    public var description: String {
        kind == "deleted"
            ? "the journal '\(path)' was deleted while hrec was writing it"
            : "the journal '\(path)' was replaced by another file (inode \(foundInode ?? 0), hrec writes inode \(inode))"
    }
}
