#if canImport(Glibc)
import Glibc
#endif

/// An errno value from a failed system call.
public struct Errno: Error, Sendable, Equatable, CustomStringConvertible {
    public let rawValue: Int32
    public init(_ rawValue: Int32) { self.rawValue = rawValue }
    /// The current thread's `errno`.
    public static var current: Errno { Errno(errno) }
    public var description: String { String(cString: strerror(rawValue)) }
}

/// An owned-by-convention POSIX file descriptor; every call retries on EINTR and throws `Errno`.
public struct FileDescriptor: Sendable, Hashable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `open(2)` with O_CLOEXEC added.
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o600) throws(Errno) -> FileDescriptor {
        let fd = try retrying { Glibc.open(path, flags | O_CLOEXEC, mode) }
        return FileDescriptor(rawValue: fd)
    }

    /// `write(2)` until every byte is written.
    public func writeAll(_ bytes: UnsafeRawBufferPointer) throws(Errno) {
        var offset = 0
        while offset < bytes.count {
            let written = try Self.retrying { Glibc.write(rawValue, bytes.baseAddress! + offset, bytes.count - offset) }
            offset += written
        }
    }

    /// `write(2)` until every byte of `bytes` is written.
    public func writeAll(_ bytes: [UInt8]) throws(Errno) {
        var failure: Errno?
        bytes.withUnsafeBytes { buffer in
            do throws(Errno) { try writeAll(buffer) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// One `read(2)` into `buffer`; 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try Self.retrying { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// `fsync(2)`.
    public func sync() throws(Errno) {
        _ = try Self.retrying { Glibc.fsync(rawValue) }
    }

    /// `close(2)`; EINTR is not retried (the descriptor is gone either way on Linux).
    public func close() {
        _ = Glibc.close(rawValue)
    }

    /// Runs a system call until it does not fail with EINTR; throws its errno on failure.
    public static func retrying<T: BinaryInteger>(_ call: () -> T) throws(Errno) -> T {
        while true {
            let result = call()
            if result >= 0 { return result }
            if errno != EINTR { throw Errno.current }
        }
    }
}
