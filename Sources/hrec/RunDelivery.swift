import Foundation
import HrecDelivery
import HrecJournal
import HrecRecorder

/// The collector side of one `hrec run`: ships the session's journal as it is written, journals
/// the receipts, holds output in sync mode, and sends what earlier sessions left undelivered.
struct RunDelivery {
    let shipper: JournalShipper
    let options: DeliveryOptions
    private let task: Task<JournalShipper.Progress, Never>
    private let leftovers: Task<Void, Never>
    /// How long an async session waits at its end for the last frames (then `hrec deliver` sends them).
    static let asyncGraceSeconds = 3.0

    /// Starts shipping `journal`; receipts go into `sink`.
    /// - Throws: `CLIError` for a bad collector URL.
    init(options: DeliveryOptions, collector: String, token: IdentityTokenSource, journal: URL, sink: JournalAppender) throws {
        let client: DeliveryClient, spare: DeliveryClient
        do {
            client = try DeliveryClient(url: collector, token: token)
            spare = try DeliveryClient(url: collector, token: token)  // its own connection: leftovers never delay this session's frames
        } catch {
            throw CLIError("\(error)", exitCode: 64)
        }
        self.options = options
        var shipping = JournalShipper.Options()
        shipping.collectorKey = try options.pinnedKey()
        shipper = JournalShipper(path: journal.path, client: client, options: shipping)
        shipper.onReceipt { receipt, worthJournaling in
            guard worthJournaling, let event = try? receipt.journalEvent() else { return }
            sink.append(event: event)
        }
        let url = client.baseURL
        shipper.onTrouble { trouble in
            switch trouble {
            case let .failing(error): sink.append(.marker("delivery to \(url) failing: \(error); the frames stay in the journal and are retried"))
            case .recovered: sink.append(.marker("delivery to \(url) resumed"))
            case let .stopped(error): sink.append(.marker("delivery to \(url) stopped: \(error)"))
            }
        }
        let shipper = self.shipper
        task = Task { await shipper.run() }
        leftovers = Task { await Self.sendLeftovers(client: spare, options: shipping, except: journal.path) }
    }

    /// The output hold of sync mode; nil in async mode.
    var hold: (any OutputHold)? {
        guard options.mode == .sync else { return nil }
        return SyncDeliveryHold(shipper: shipper, windowMicros: UInt64(options.syncWindow * 1_000_000),
                                limitMicros: UInt64(options.syncTimeout * 1_000_000))
    }

    /// After the journal is closed: waits for the last parts (sync: up to the timeout, unless
    /// the session ended because delivery failed; async: a short grace), then says on stderr
    /// what is left and how it will be sent.
    func finish(endReason: String?) async {
        let deliveryFailed = endReason?.hasPrefix("the collector did not acknowledge") == true
        let seconds = options.mode == .sync && !deliveryFailed ? options.syncTimeout : Self.asyncGraceSeconds
        shipper.finish(deadline: SessionClock.monotonicMicros() + UInt64(seconds * 1_000_000))
        let progress = await task.value
        shipper.finish(deadline: 0)
        leftovers.cancel()
        if let fatal = progress.fatalError {
            FileHandle.standardError.write(Data("hrec: delivery to \(shipper.client.baseURL) stopped: \(fatal)\n".utf8))
        } else if !progress.isCaughtUp {
            let pending = progress.localFrames - min(progress.localFrames, progress.deliveredFrames)
            let what = pending > 0 ? "\(pending) frame\(pending == 1 ? "" : "s")" : "the seek index"
            let cause = progress.lastError.map { " (\($0))" } ?? ""
            FileHandle.standardError.write(Data("hrec: \(what) not yet delivered to \(shipper.client.baseURL)\(cause); they stay in the journal and are sent by the next hrec run or by hrec deliver\n".utf8))
        }
    }

    /// Sends, one after the other, the journals of earlier sessions whose delivery to this
    /// collector was left unfinished (kept in the delivery state directory).
    private static func sendLeftovers(client: DeliveryClient, options: JournalShipper.Options, except current: String) async {
        for state in DeliveryState.all() where !state.isDelivered && state.collector == client.baseURL && state.journal != current {
            guard !Task.isCancelled, FileManager.default.fileExists(atPath: state.journal) else { continue }
            let shipper = JournalShipper(path: state.journal, client: client, options: options)
            shipper.finish(deadline: SessionClock.monotonicMicros() + 60_000_000)
            await shipper.run()
        }
    }
}
