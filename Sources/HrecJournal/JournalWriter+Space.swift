import Foundation
import CPosix
#if canImport(Glibc)
import Glibc
#endif

extension JournalWriter {
    /// Keeps `options.reserveBytes` of disk allocated past the end of the file. Succeeds without
    /// doing anything when the reserve still covers that much, or when the filesystem cannot
    /// preallocate (EOPNOTSUPP): then only write errors tell that the disk is full.
    /// - Parameter checkingFreeSpace: also look at the filesystem's free space (a syscall; the
    ///   appender does it at most once per flush interval).
    /// - Throws: `JournalError.io` (ENOSPC, EDQUOT...) when the space cannot be reserved; the
    ///   records already written are intact and the old reserve is kept.
    ///   The filesystem also counts as full when less than the reserve is free beyond it.
    public func reserve(checkingFreeSpace: Bool = true) throws(JournalError) {
        let wanted = UInt64(options.reserveBytes)
        guard wanted > 0 else { return }
        if reservedUntil < fileOffset &+ wanted / 2 {
            if hrec_reserve_space(fd.rawValue, off_t(fileOffset), off_t(wanted)) == 0 {
                reservedUntil = fileOffset + wanted
            } else if errno != EOPNOTSUPP && errno != ENOSYS {
                throw .io(path: url.path, operation: "reserve \(wanted) bytes of disk for journal", errno: errno)
            }
        }
        guard checkingFreeSpace else { return }
        var info = statvfs()
        if fstatvfs(fd.rawValue, &info) == 0, UInt64(info.f_bavail) * UInt64(info.f_frsize) < wanted {
            throw .io(path: url.path, operation: "find \(wanted / 1024) KiB free beside journal", errno: ENOSPC)
        }
    }

    /// Whether the path still names the file this writer writes (same device and inode, and the
    /// file still linked); nil when it does.
    public func displacement() -> JournalDisplacement? {
        guard let mine = try? fd.identity() else { return nil }
        let found = FileIdentity.of(path: url.path)
        if let found, found.isSameFile(as: mine), mine.links > 0 { return nil }
        let deleted = found == nil
        return JournalDisplacement(kind: deleted ? "deleted" : "replaced", path: url.path, foundDevice: found?.device,
                                   foundInode: found?.inode, device: mine.device, inode: mine.inode, links: mine.links)
    }

    /// Copies every byte written so far (read back through the descriptor) to the path when it
    /// no longer exists, or beside it (`NAME.recovered.hrec`, `NAME.recovered-2.hrec`...).
    /// - Returns: where the copy went.
    /// - Throws: `JournalError.io` when no copy can be written.
    func saveCopy() throws(JournalError) -> URL {
        let base = url.deletingPathExtension().path
        let candidates = [url.path] + (1...20).map { $0 == 1 ? "\(base).recovered.hrec" : "\(base).recovered-\($0).hrec" }
        var lastError: Int32 = EEXIST
        for path in candidates {
            let copy: FileDescriptor
            do {
                copy = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
            } catch {
                lastError = error.rawValue
                if error.rawValue == EEXIST { continue }
                break
            }
            defer { copy.close() }
            do {
                try copyWritten(to: copy)
                try copy.sync()
            } catch {
                throw .io(path: path, operation: "save the records of the displaced journal '\(url.path)' to", errno: error.rawValue)
            }
            return URL(fileURLWithPath: path)
        }
        throw .io(path: url.path, operation: "save the records of the displaced journal beside", errno: lastError)
    }

    /// Copies bytes 0..<fileOffset of the journal, read back through its descriptor, 1 MiB at a time.
    private func copyWritten(to copy: FileDescriptor) throws(Errno) {
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var done: UInt64 = 0
        while done < fileOffset {
            let wanted = Int(min(UInt64(buffer.count), fileOffset - done))
            let count = try FileDescriptor.retrying { buffer.withUnsafeMutableBytes { pread(fd.rawValue, $0.baseAddress, wanted, off_t(done)) } }
            guard count > 0 else { throw Errno(EIO) }
            try copy.writeAll(Array(buffer[0..<count]))
            done += UInt64(count)
        }
    }
}
