import HrecCollector
import HrecJournal

/// One shipper's conversation with the collector about one journal: what the file holds, what
/// the collector is known to hold, and the next request to make. Owned by `JournalShipper.run()`
/// (one task), so it needs no locking.
struct ShipperSession {
    let follower: JournalFollower
    let client: DeliveryClient
    let options: JournalShipper.Options
    /// What the collector holds, once asked (nil: ask before sending).
    private var known: (preamble: Bool, frames: UInt64, index: Bool)?
    /// Units up to which a journaled receipt (or the journal itself) already speaks.
    private var journaledThrough: UInt64 = 0
    /// The largest raw size of a frame that holds only receipts (a receipt record is ~400 bytes).
    static let receiptFrameLimit: UInt32 = 4096

    init(follower: JournalFollower, client: DeliveryClient, options: JournalShipper.Options) {
        self.follower = follower
        self.client = client
        self.options = options
    }

    var sessionID: SessionID? { follower.sessionID }
    var localFrames: UInt64 { UInt64(follower.units.count) }
    var deliveredFrames: UInt64 { known?.frames ?? delivered }
    var journalComplete: Bool { follower.isComplete }
    var indexDelivered: Bool { known?.index ?? indexSent }
    /// Remembered across `forgetCollectorState()`, for the progress shown meanwhile.
    private var delivered: UInt64 = 0
    private var indexSent = false

    var isCaughtUp: Bool {
        follower.preamble != nil && known?.preamble == true && deliveredFrames == localFrames && (!journalComplete || indexDelivered)
    }

    /// Reads what was appended to the journal.
    /// - Throws: `DeliveryError.journal` when it cannot be read, `.damaged` when it is not a journal.
    mutating func poll() throws(DeliveryError) {
        do {
            try follower.poll()
        } catch {
            throw .journal(error)
        }
        if let problem = follower.problem { throw .damaged(problem) }
    }

    /// After a failure the collector may hold more than the last answer said: ask again.
    mutating func forgetCollectorState() {
        if let known { (delivered, indexSent) = (known.frames, known.index) }
        known = nil
    }

    /// Makes the next requests: asks what the collector holds (first time, or after a failure),
    /// sends the preamble, then one batch of units or the index.
    /// - Returns: the receipts received.
    mutating func sendSome() async throws(DeliveryError) -> [Receipt] {
        guard let preamble = follower.preamble, let session = follower.sessionID else { return [] }
        var state = try await knownState(session)
        if !state.preamble {
            try await client.putPreamble(preamble, session: session)
            state.preamble = true
            known = state
        }
        let units = follower.units
        if state.frames < UInt64(units.count) {
            var body: [UInt8] = []
            var end = Int(state.frames)
            while end < units.count && (body.isEmpty || body.count + units[end].length <= options.batchBytes) {
                do { body += try follower.bytes(of: units[end]) } catch { throw .journal(error) }
                end += 1
            }
            let receipt = try await client.postFrames(body, session: session)
            try check(receipt, frames: UInt64(end), session: session)
            known?.frames = UInt64(end)
            return [receipt]
        }
        if let index = follower.index, !state.index {
            let receipt = try await client.putIndex(index, session: session)
            try check(receipt, frames: UInt64(units.count), session: session)
            known?.index = true
            return [receipt]
        }
        return []
    }

    /// What the collector holds, asked once and then kept up to date from the receipts; the held
    /// chain head must be the local one.
    private mutating func knownState(_ session: SessionID) async throws(DeliveryError) -> (preamble: Bool, frames: UInt64, index: Bool) {
        if let known { return known }
        let status = try await client.status(of: session)
        let held = status?.frames ?? 0
        if held > 0 {
            guard held <= localFrames else {
                throw .diverged(collector: client.baseURL,
                                detail: "it holds \(held) frames of session \(session), the local journal has \(localFrames)")
            }
            let local = Hex.encode(follower.units[Int(held) - 1].chainHash)
            guard status?.chainHead?.lowercased() == local else {
                throw .diverged(collector: client.baseURL,
                                detail: "its chain head after frame \(held - 1) is \(status?.chainHead ?? "none"), the local one is \(local)")
            }
        }
        let state = (preamble: status != nil, frames: held, index: status?.index ?? false)
        known = state
        return state
    }

    /// A receipt must name this session and acknowledge exactly the local chain through `frames`.
    private func check(_ receipt: Receipt, frames: UInt64, session: SessionID) throws(DeliveryError) {
        guard receipt.sessionID.lowercased() == session.description else {
            throw .badAnswer(collector: client.baseURL, detail: "a receipt for session \(receipt.sessionID), not \(session)")
        }
        guard receipt.frames == frames, frames > 0 else {
            throw .badAnswer(collector: client.baseURL, detail: "a receipt for \(receipt.frames) frames after sending through frame \(frames - 1)")
        }
        let local = Hex.encode(follower.units[Int(frames) - 1].chainHash)
        guard receipt.chainHead.lowercased() == local else {
            throw .diverged(collector: client.baseURL, detail: "its receipt names chain head \(receipt.chainHead) for frame \(frames - 1), the local one is \(local)")
        }
        if let key = options.collectorKey, !ReceiptSigner.isValid(receipt, publicKey: key) {
            throw .badAnswer(collector: client.baseURL, detail: "a receipt not signed by the pinned collector key (it names \(receipt.collector))")
        }
    }

    /// Whether `receipt` acknowledges a frame holding more than receipts since the last journaled one.
    mutating func isWorthJournaling(_ receipt: Receipt) -> Bool {
        let units = follower.units
        let upper = min(Int(receipt.frames), units.count)
        let lower = min(Int(journaledThrough), upper)
        let worth = units[lower..<upper].contains { !isReceiptsOnly($0) }
        if worth { journaledThrough = UInt64(upper) }
        return worth
    }

    private func isReceiptsOnly(_ unit: JournalFollower.Unit) -> Bool {
        guard unit.rawLength <= Self.receiptFrameLimit, let records = try? follower.records(of: unit) else { return false }
        return records.allSatisfy { record in
            if case let .event(event) = record.body { return event.type == Receipt.eventType }
            return false
        }
    }
}
