import Foundation
import HrecJournal

/// The collector's checks, over a `PartStore` and nothing else: no session state lives in
/// memory, so several collectors on one store are safe. A unit is checked against the seal of
/// the stored unit before it (or the stored preamble), then written create-only; losing a race
/// to another collector is answered like a resend.
public struct JournalIntake: Sendable {
    let store: any PartStore
    let signer: ReceiptSigner
    let now: @Sendable () -> Int64
    /// Subjects that may send (and ask the state of) any session's journal, never read it: a
    /// standalone gate shipping its clients' journals (`uploaders:` in the configuration).
    let uploaders: Set<String>
    /// Subjects that may read and list every session (auditors, `readers:`). A session whose
    /// header names no person (a standalone gate's own journal) is readable by them alone.
    let readers: Set<String>

    /// - Parameters:
    ///   - uploaders: subjects that may upload every session (see the property).
    ///   - readers: subjects that may read every session (see the property).
    ///   - now: wall-clock µs since the epoch (injected for tests).
    public init(store: any PartStore, signer: ReceiptSigner, uploaders: Set<String> = [], readers: Set<String> = [],
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1_000_000) }) {
        self.store = store
        self.signer = signer
        self.uploaders = uploaders
        self.readers = readers
        self.now = now
    }

    /// Stores the preamble of `session` (idempotent).
    /// - Throws: `.malformed` when it is no preamble or names another session; `.diverged` when another is held.
    public func putPreamble(session: SessionID, bytes: [UInt8]) async throws(CollectorError) {
        let fields: (sessionID: SessionID, publicKey: [UInt8])
        do {
            fields = try JournalParts.preambleFields(bytes, path: "preamble")
        } catch {
            throw .malformed("the body is not a journal preamble: \(error)")
        }
        guard bytes.count == JournalParts.preambleSize else { throw .malformed("a preamble is \(JournalParts.preambleSize) bytes, the body has \(bytes.count)") }
        guard fields.sessionID == session else { throw .malformed("the preamble is of session \(fields.sessionID), the path names \(session)") }
        if case let .existing(held) = try await store.create(PartKey.preamble(session), bytes: bytes), held != bytes {
            throw .diverged(frame: nil, "session \(session) already has a different preamble")
        }
    }

    /// Checks and stores consecutive frame units; `subject` is the caller's identity subject.
    /// - Returns: the receipt for the last unit of the body.
    /// - Throws: `.malformed`, `.gap`, `.diverged` (naming the frame), `.forbidden`, `.storage`.
    public func acceptFrames(session: SessionID, body: [UInt8], subject: String) async throws(CollectorError) -> Receipt {
        let units = try Self.units(in: body)
        let (publicKey, seed) = try await preamble(session)
        var previous: JournalUnit?
        if units[0].index == 0 {
            try checkHeader(units[0], session: session, subject: subject, uploading: true)
        } else {
            try await authorize(session: session, subject: subject, uploading: true)
            previous = try await storedUnit(session, units[0].index - 1)
            guard previous != nil else {
                throw .gap("frame \(units[0].index - 1) of session \(session) is not held: send the frames before \(units[0].index) first")
            }
        }
        for unit in units {
            if let previous, previous.index + 1 != unit.index {
                throw .malformed("frame \(unit.index) follows frame \(previous.index) in the body: units must be consecutive")
            }
            if previous?.isFinal == true {
                throw .diverged(frame: unit.index, "frame \(unit.index) follows the final frame \(unit.index - 1)")
            }
            if let problem = unit.problem(previousChain: previous?.chainHash ?? seed, publicKey: publicKey) {
                throw .diverged(frame: unit.index, problem)
            }
            if case let .existing(held) = try await store.create(PartKey.frame(session, unit.index), bytes: unit.bytes), held != unit.bytes {
                throw .diverged(frame: unit.index, "frame \(unit.index) differs from the frame \(unit.index) already collected")
            }
            previous = unit
        }
        let last = units[units.count - 1]
        return signer.receipt(session: session, frames: last.index + 1, chainHead: last.chainHash, receivedAtMicros: now())
    }

    /// Stores the seek index once it signs the held chain head.
    /// - Throws: `.malformed` (no valid index), `.diverged` (another head, or another index held), `.gap`.
    public func putIndex(session: SessionID, bytes: [UInt8], subject: String) async throws(CollectorError) -> Receipt {
        try await authorize(session: session, subject: subject, uploading: true)
        let summary: (frames: Int, chainHead: [UInt8])
        switch JournalParts.indexSummary(bytes, publicKey: try await preamble(session).publicKey) {
        case let .index(frames, chainHead): summary = (frames, chainHead)
        case let .invalid(reason): throw .malformed("the body is not a valid seek index: \(reason)")
        }
        guard summary.frames > 0, let last = try await storedUnit(session, UInt64(summary.frames - 1)) else {
            throw .gap("the index covers \(summary.frames) frames; frame \(max(summary.frames, 1) - 1) is not held")
        }
        guard last.isFinal, last.chainHash == summary.chainHead else {
            throw .diverged(frame: nil, "the index does not sign the held chain head (frame \(last.index)\(last.isFinal ? "" : ", not the final frame"))")
        }
        if case let .existing(held) = try await store.create(PartKey.index(session), bytes: bytes), held != bytes {
            throw .diverged(frame: nil, "session \(session) already has a different index")
        }
        return signer.receipt(session: session, frames: UInt64(summary.frames), chainHead: last.chainHash, receivedAtMicros: now())
    }

    /// What is held of `session`.
    /// - Throws: `.notFound` when nothing is; `.forbidden`.
    public func status(session: SessionID, subject: String) async throws(CollectorError) -> JournalStatus {
        guard try await store.read(PartKey.preamble(session)) != nil else { throw .notFound("nothing is held of session \(session)") }
        try await authorize(session: session, subject: subject, uploading: true)
        let count = try await heldFrames(session)
        let last = count > 0 ? try await storedUnit(session, count - 1) : nil
        let index = try await store.read(PartKey.index(session)) != nil
        return JournalStatus(sessionID: session.description, frames: count, chainHead: last.map { Hex.encode($0.chainHash) },
                             final: last?.isFinal ?? false, index: index)
    }

    /// The number of frame units held, found by probing: units are stored only after the one
    /// before them, so the held ones are 0..<n (an exponential then a binary search, 2·log₂ n reads).
    func heldFrames(_ session: SessionID) async throws(CollectorError) -> UInt64 {
        var low: UInt64 = 0  // every unit below `low` is held
        var high: UInt64 = 1  // probe until a missing one
        while try await store.read(PartKey.frame(session, high - 1)) != nil {
            low = high
            high *= 2
        }
        // Units below `low` are held; unit `high - 1` is not.
        while low + 1 < high {
            let middle = low + (high - low) / 2
            if try await store.read(PartKey.frame(session, middle - 1)) != nil { low = middle } else { high = middle }
        }
        return low
    }

    /// The sessions `subject` may read (frame 0 held, its header naming this identity; every
    /// session for a reader), sorted by id.
    /// - Throws: `.storage`.
    public func sessions(subject: String) async throws(CollectorError) -> [SessionID] {
        var found: [SessionID] = []
        for key in try await store.list(prefix: "journals/") where key.hasSuffix("/frames/0000000000000000") {
            let parts = key.split(separator: "/")
            guard parts.count == 4, let session = SessionID(hex: String(parts[1])), PartKey.frame(session, 0) == key,
                  let first = try await storedUnit(session, 0), let header = first.header() else { continue }
            if readers.contains(subject) || header.identity?.subject == subject { found.append(session) }
        }
        return found.sorted { $0.description < $1.description }
    }

    /// The stored bytes of part `name` (`preamble`, `index`, or a decimal frame index).
    /// - Throws: `.malformed` for another name, `.notFound`, `.forbidden`.
    public func part(session: SessionID, name: String, subject: String) async throws(CollectorError) -> [UInt8] {
        let key: String
        switch name {
        case "preamble": key = PartKey.preamble(session)
        case "index": key = PartKey.index(session)
        default:
            guard name.count <= 20, name.allSatisfy(\.isASCII), let index = UInt64(name) else {
                throw .malformed("part '\(name)' is not preamble, index or a frame number")
            }
            key = PartKey.frame(session, index)
        }
        try await authorize(session: session, subject: subject)
        guard let bytes = try await store.read(key) else { throw .notFound("part \(name) of session \(session) is not held") }
        return bytes
    }

    // MARK: - Checks

    /// Every unit of a request body; the body must hold whole units only.
    static func units(in body: [UInt8]) throws(CollectorError) -> [JournalUnit] {
        var units: [JournalUnit] = []
        var offset = 0
        while offset < body.count {
            switch JournalUnit.parse(body, at: offset) {
            case let .unit(unit, next):
                units.append(unit)
                offset = next
            case .truncated: throw .malformed("the body ends inside frame unit \(units.count) (byte \(offset))")
            case let .invalid(reason): throw .malformed("byte \(offset) of the body: \(reason)")
            }
        }
        guard !units.isEmpty else { throw .malformed("the body holds no frame unit") }
        return units
    }

    private func preamble(_ session: SessionID) async throws(CollectorError) -> (publicKey: [UInt8], seed: [UInt8]) {
        guard let bytes = try await store.read(PartKey.preamble(session)) else {
            throw .gap("no preamble is held for session \(session): send it first")
        }
        guard let fields = try? JournalParts.preambleFields(bytes, path: PartKey.preamble(session)) else {
            throw .storage("the stored preamble of session \(session) is damaged")
        }
        return (fields.publicKey, JournalParts.chainSeed(preamble: bytes))
    }

    private func storedUnit(_ session: SessionID, _ index: UInt64) async throws(CollectorError) -> JournalUnit? {
        guard let bytes = try await store.read(PartKey.frame(session, index)) else { return nil }
        guard case let .unit(unit, next) = JournalUnit.parse(bytes, at: 0), next == bytes.count, unit.index == index else {
            throw .storage("the stored frame \(index) of session \(session) is damaged")
        }
        return unit
    }

    /// Frame 0 must hold the session's header; when the header names an identity, the caller
    /// must be it, or (`uploading`) one of the `uploaders`.
    private func checkHeader(_ unit: JournalUnit, session: SessionID, subject: String, uploading: Bool = false) throws(CollectorError) {
        guard let header = unit.header() else { throw .malformed("frame 0 does not hold a session header") }
        guard header.sessionID == session else { throw .malformed("frame 0's header is of session \(header.sessionID), not \(session)") }
        if uploading && uploaders.contains(subject) { return }
        if !uploading && readers.contains(subject) { return }
        if let owner = header.identity?.subject, owner != subject {
            throw .forbidden("session \(session) belongs to '\(owner)', the token is of '\(subject)'")
        }
        // A journal naming no person (a standalone gate's own) is sent by anyone, read by readers only.
        if header.identity == nil && !uploading {
            throw .forbidden("session \(session) names no person; only the collector's readers may read it")
        }
    }

    /// When frame 0 is held and its header names an identity, the caller must be it (or, when
    /// `uploading`, one of the `uploaders`).
    private func authorize(session: SessionID, subject: String, uploading: Bool = false) async throws(CollectorError) {
        guard let first = try await storedUnit(session, 0) else { return }
        try checkHeader(first, session: session, subject: subject, uploading: uploading)
    }
}
