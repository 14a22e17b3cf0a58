import Foundation
import HrecJournal

/// Where the gate's events go.
///
/// Embedded in `hrec run`, everything goes to the session's journal. Standalone, every
/// authenticated client session gets its own journal in a directory, and what happens before
/// authentication (token exchanges, refusals) goes to the gate's own journal there.
public actor GateJournals {
    private let shared: (any RecordSink)?
    private let directory: URL?
    private let signer: JournalSigner?
    private let hrecVersion: String
    private var gateJournal: JournalAppender?
    private var opened: [JournalAppender] = []

    /// Everything into one sink (embedded mode).
    public init(sink: any RecordSink) {
        shared = sink
        directory = nil
        signer = nil
        hrecVersion = ""
    }

    /// One journal per client session under `directory` (standalone mode).
    public init(directory: URL, signer: JournalSigner, hrecVersion: String) {
        shared = nil
        self.directory = directory
        self.signer = signer
        self.hrecVersion = hrecVersion
    }

    /// The sink for events outside any client session.
    public func gateSink() throws -> any RecordSink {
        if let shared { return shared }
        if let gateJournal { return gateJournal }
        let journal = try open(identity: nil, command: ["hrec", "gate"])
        gateJournal = journal
        return journal
    }

    /// The sink for a new client session of `identity`.
    public func sessionSink(for identity: Identity) throws -> any RecordSink {
        if let shared { return shared }
        return try open(identity: identity, command: ["hrec", "gate", "session", identity.email ?? identity.subject])
    }

    /// Closes every journal this gate opened (standalone mode).
    public func closeAll(reason: String) {
        for journal in opened {
            _ = try? journal.close(end: SessionEnd(exitStatus: 0, signal: nil, endedAtMicros: SessionClock.wallMicros(), reason: reason))
        }
        opened.removeAll()
        gateJournal = nil
    }

    private func open(identity: Identity?, command: [String]) throws -> JournalAppender {
        guard let directory, let signer else { throw GateError.configuration("no journal directory") }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let clock = SessionClock()
        let id = SessionID()
        let formatter = ISO8601DateFormatter()
        let stamp = formatter.string(from: Date()).replacingOccurrences(of: ":", with: "-")
        let url = directory.appendingPathComponent("\(stamp)-gate-\(id.description.prefix(8)).hrec")
        let header = SessionHeader(sessionID: id, startedAtMicros: clock.wallStartMicros, host: ProcessInfo.processInfo.hostName,
                                   osUser: ProcessInfo.processInfo.environment["USER"] ?? "", identity: identity, command: command,
                                   cwd: FileManager.default.currentDirectoryPath, term: nil, size: nil, hrecVersion: hrecVersion)
        let journal = try JournalAppender(url: url, header: header, signer: signer, clock: clock)
        opened.append(journal)
        return journal
    }
}
