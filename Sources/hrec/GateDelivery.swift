import Foundation
import HrecDelivery
import HrecExport
import HrecJournal

/// `hrec gate --collector`: ships every journal the standalone gate writes (its own and each
/// client session's segments) to a collector as it is written. Each journal gets a
/// `JournalShipper` while it is open; once its seek index is written and delivered, it is done.
/// Receipts are kept in the delivery state files, not journaled (a closed segment takes no
/// records). The gate authenticates with a token of its own, which the collector must list
/// under `uploaders:`.
actor GateDelivery {
    private let directory: URL
    private let client: DeliveryClient
    private let options: JournalShipper.Options
    private var running: [String: JournalShipper] = [:]
    private var finishing: Set<String> = []
    private var delivered: Set<String> = []
    /// Shippers at once: a gate restarted over thousands of journals checks them a few at a time
    /// (more open client sessions than this wait their turn; their frames stay in the journals).
    static let concurrentShippers = 32
    /// How long a closed journal's shipper may take to deliver its last parts before it is
    /// retried on a later sweep.
    static let finishSeconds = 60.0

    init(directory: URL, client: DeliveryClient, options: JournalShipper.Options) {
        self.directory = directory
        self.client = client
        self.options = options
    }

    /// Sweeps the journal directory every `interval` seconds until cancelled.
    func run(interval: Double = 1) async {
        while !Task.isCancelled {
            sweep()
            try? await Task.sleep(nanoseconds: UInt64(interval * 1e9))
        }
        for shipper in running.values { shipper.finish(deadline: SessionClock.monotonicMicros()) }
    }

    private func sweep() {
        let files = (try? JournalFiles.find(in: [directory])) ?? []
        for url in files where !delivered.contains(url.path) && running[url.path] == nil {
            guard running.count < Self.concurrentShippers else { break }
            let shipper = JournalShipper(path: url.path, client: client, options: options)
            running[url.path] = shipper
            Task {
                let progress = await shipper.run()
                self.ended(url.path, progress: progress)
            }
        }
        let now = SessionClock.monotonicMicros()
        for (path, shipper) in running where !finishing.contains(path) && shipper.current.journalComplete {
            shipper.finish(deadline: now + UInt64(Self.finishSeconds * 1e6))
            finishing.insert(path)
        }
    }

    private func ended(_ path: String, progress: JournalShipper.Progress) {
        running[path] = nil
        finishing.remove(path)
        if progress.journalComplete && progress.isCaughtUp { delivered.insert(path) }
        if let error = progress.fatalError {
            // Retrying cannot mend it (a divergence, a damaged journal): say so once, do not loop.
            delivered.insert(path)
            FileHandle.standardError.write(Data("hrec gate: delivery of \(path) stopped: \(error)\n".utf8))
        }
    }
}
