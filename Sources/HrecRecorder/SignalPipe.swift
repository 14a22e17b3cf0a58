import CPosix
import HrecJournal
#if canImport(Glibc)
import Glibc
#endif

/// Turns signals into bytes on a pipe the relay loop polls (the self-pipe trick): the handler,
/// in C, only writes the signal number; everything else happens in the loop.
final class SignalPipe {
    let readEnd: FileDescriptor
    private let writeEnd: FileDescriptor
    private let signals: [Int32]

    /// Starts forwarding `signals` to the pipe.
    init(signals: [Int32]) throws(RecorderError) {
        var ends: [Int32] = [0, 0]
        guard hrec_pipe_nonblocking(&ends) == 0 else { throw .system(operation: "pipe", errno: .current) }
        readEnd = FileDescriptor(rawValue: ends[0])
        writeEnd = FileDescriptor(rawValue: ends[1])
        self.signals = signals
        guard hrec_forward_signals_to_pipe(ends[1], signals, Int32(signals.count)) == 0 else {
            throw .system(operation: "sigaction", errno: .current)
        }
    }

    /// The signals received since the last call, in order.
    func drain() -> [Int32] {
        var received: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(readEnd.rawValue, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            received += buffer[0..<count].map { Int32($0) }
        }
        return received
    }

    deinit {
        hrec_reset_signals(signals, Int32(signals.count))
        readEnd.close()
        writeEnd.close()
    }
}
