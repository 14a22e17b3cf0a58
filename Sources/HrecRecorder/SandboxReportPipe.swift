import CPosix
import HrecConfinement
import HrecJournal
#if canImport(Glibc)
import Glibc
#endif

/// The pipe on which `hrec-sandbox` reports the command's status: its write end becomes the
/// sandbox's descriptor 3; hrec keeps the read end (both close-on-exec in hrec).
final class SandboxReportPipe {
    private var readEnd: FileDescriptor?
    private(set) var writeEnd: FileDescriptor?

    init() throws(RecorderError) {
        var fds: [Int32] = [-1, -1]
        guard hrec_pipe_cloexec(&fds) == 0 else { throw .system(operation: "pipe for the sandbox report", errno: .current) }
        readEnd = FileDescriptor(rawValue: fds[0])
        writeEnd = FileDescriptor(rawValue: fds[1])
    }

    /// Closes hrec's copy of the write end once the sandbox holds its own.
    func closeWriteEnd() {
        writeEnd?.close()
        writeEnd = nil
    }

    /// The report, once the sandbox has exited (reads to end of file); nil if it sent none.
    func read() -> SandboxReport? {
        closeWriteEnd()
        guard let readEnd else { return nil }
        defer {
            readEnd.close()
            self.readEnd = nil
        }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        while bytes.count < 4096 {
            let count = buffer.withUnsafeMutableBytes { (try? readEnd.read(into: $0)) ?? 0 }
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        return SandboxReport(line: line)
    }

    deinit {
        writeEnd?.close()
        readEnd?.close()
    }
}
