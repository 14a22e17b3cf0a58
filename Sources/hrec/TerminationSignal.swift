import Foundation

/// SIGINT and SIGTERM for long-running commands (`hrec gate`, `hrec dev egress-proxy`).
enum TerminationSignal {
    /// Suspends until SIGINT or SIGTERM arrives and returns its number; from the first call on,
    /// neither signal ends the process by itself, so the caller can close its journals cleanly.
    static func wait() async -> Int32 {
        let (signals, continuation) = AsyncStream<Int32>.makeStream()
        let sources = [SIGINT, SIGTERM].map { signal in
            Foundation.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal)
            source.setEventHandler { continuation.yield(signal) }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        for await signal in signals { return signal }
        return SIGTERM
    }
}
