/// Everything that can go wrong reading or writing a journal. Messages say what, where and why.
public enum JournalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file could not be opened, read or written.
    case io(path: String, operation: String, errno: Int32)
    /// The file is not a journal, or a record inside it is malformed.
    case malformed(path: String, offset: UInt64, reason: String)
    /// The file ends in the middle of a frame (or has no frames).
    case truncated(path: String, offset: UInt64, reason: String)
    /// A record or event could not be encoded.
    case invalidEvent(String)
    /// zstd failed.
    case compression(String)
    /// A signing key could not be loaded or created.
    case key(path: String, reason: String)
    /// The file uses a format version this hrec does not read.
    case unsupportedVersion(path: String, version: Int)

    public var description: String {
        switch self {
        case let .io(path, operation, errno):
            return "cannot \(operation) '\(path)': \(String(cString: strerror(errno)))"
        case let .malformed(path, offset, reason):
            return "journal '\(path)' is malformed at byte \(offset): \(reason)"
        case let .truncated(path, offset, reason):
            return "journal '\(path)' is truncated at byte \(offset): \(reason)"
        case let .invalidEvent(reason):
            return "invalid event: \(reason)"
        case let .compression(reason):
            return "zstd: \(reason)"
        case let .key(path, reason):
            return "signing key '\(path)': \(reason)"
        case let .unsupportedVersion(path, version):
            return "journal '\(path)' has format version \(version); this hrec reads version \(JournalFormat.version)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
