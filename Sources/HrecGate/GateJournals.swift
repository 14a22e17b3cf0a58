import Foundation
import HrecJournal

/// Where the gate's events go.
///
/// Embedded in `hrec run`, everything goes to the session's journal. Standalone, every
/// authenticated client session gets its own journal in a directory, and what happens before
/// authentication (token exchanges, refusals) goes to the gate's own journal there. A client
/// session's journal is closed after `idleTimeout` without calls and continues in a new segment
/// on the next one, so quiet clients hold no file and no writer; all journals share the
/// process's few writer threads.
public actor GateJournals {
    private let shared: (any RecordSink)?
    private let directory: URL?
    private let signer: JournalSigner?
    private let hrecVersion: String
    private var gateJournal: JournalAppender?
    private var clientJournals: [SegmentedJournal] = []
    private var sweeper: Task<Void, Never>?
    /// Seconds without calls after which a client session's journal is closed.
    public let idleTimeout: TimeInterval
    /// The recorded session's last prompt (embedded mode); nil for the standalone gate, which
    /// sees no keys.
    public nonisolated let lastPrompt: LastPrompt?

    /// Everything into one sink (embedded mode); `lastPrompt` is the session's prompt tracker.
    public init(sink: any RecordSink, lastPrompt: LastPrompt? = nil) {
        shared = sink
        self.lastPrompt = lastPrompt
        directory = nil
        signer = nil
        hrecVersion = ""
        idleTimeout = 0
    }

    /// One journal per client session under `directory` (standalone mode).
    public init(directory: URL, signer: JournalSigner, hrecVersion: String, idleTimeout: TimeInterval = 300) {
        shared = nil
        lastPrompt = nil
        self.directory = directory
        self.signer = signer
        self.hrecVersion = hrecVersion
        self.idleTimeout = idleTimeout
    }

    /// The sink for events outside any client session.
    public func gateSink() throws -> any RecordSink {
        if let shared { return shared }
        if let gateJournal { return gateJournal }
        let journal = try Self.open(in: try prepared(), signer: signer!, hrecVersion: hrecVersion, identity: nil,
                                    command: ["hrec", "gate"], clock: SessionClock(), previous: nil)
        gateJournal = journal
        return journal
    }

    /// The sink for a new client session of `identity` (its first segment opens on first use).
    public func sessionSink(for identity: Identity) throws -> any RecordSink {
        if let shared { return shared }
        let directory = try prepared()
        let signer = signer!
        let version = hrecVersion
        let command = ["hrec", "gate", "session", identity.email ?? identity.subject]
        let journal = SegmentedJournal { segment, previous, clock throws(JournalError) in
            try Self.open(in: directory, signer: signer, hrecVersion: version, identity: identity, command: command, clock: clock,
                          previous: previous)
        }
        clientJournals.append(journal)
        startSweeper()
        return journal
    }

    /// Client journals with a segment open right now.
    public var openClientJournals: Int { clientJournals.filter { $0.openSegment != nil }.count }

    /// Closes every journal this gate opened (standalone mode).
    public func closeAll(reason: String) {
        sweeper?.cancel()
        sweeper = nil
        for journal in clientJournals { journal.close(reason: reason) }
        clientJournals.removeAll()
        _ = try? gateJournal?.close(end: SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: SessionClock.wallMicros(), reason: reason))
        gateJournal = nil
    }

    /// Closes idle client journals; forgets those closed and no longer held by a live token.
    func sweep() {
        let idle = UInt64(idleTimeout * 1_000_000)
        for journal in clientJournals { journal.closeIfIdle(idleMicros: idle) }
        var index = 0
        while index < clientJournals.count {
            if isKnownUniquelyReferenced(&clientJournals[index]) && clientJournals[index].openSegment == nil {
                clientJournals.remove(at: index)
            } else {
                index += 1
            }
        }
    }

    private func startSweeper() {
        guard sweeper == nil, idleTimeout > 0 else { return }
        let period = UInt64(max(0.05, idleTimeout / 4) * 1_000_000_000)
        sweeper = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: period)
                await self?.sweep()
            }
        }
    }

    private func prepared() throws -> URL {
        guard let directory, signer != nil else { throw GateError.configuration("no journal directory") }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return directory
    }

    private static func open(in directory: URL, signer: JournalSigner, hrecVersion: String, identity: Identity?, command: [String],
                             clock: SessionClock, previous: SegmentLink?) throws(JournalError) -> JournalAppender {
        let id = SessionID()
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "-")
        let url = directory.appendingPathComponent("\(stamp)-gate-\(id.description.prefix(8)).hrec")
        var header = SessionHeader(sessionID: id, startedAtMicros: clock.wallStartMicros, host: ProcessInfo.processInfo.hostName,
                                   osUser: ProcessInfo.processInfo.environment["USER"] ?? "", identity: identity, command: command,
                                   cwd: FileManager.default.currentDirectoryPath, term: nil, size: nil, hrecVersion: hrecVersion)
        header.previousSegment = previous
        return try JournalAppender(url: url, header: header, signer: signer, clock: clock)
    }
}
