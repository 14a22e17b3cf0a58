import Foundation
import HrecJournal
#if canImport(Glibc)
import Glibc
#endif

/// One `hrec run`: starts the command on a pty, records the session into a journal, and
/// returns the child's exit status once everything is written.
public final class RecordingSession: @unchecked Sendable {
    // @unchecked Sendable: configured on one thread, then run on exactly one other thread
    // (`runOnOwnThread`); it is never touched by two threads at once.
    /// What to run and how to record it.
    public struct Options {
        public var command: [String]
        /// `--journal`: a file or a directory; nil for the default directory.
        public var journal: String?
        public var recordInput = true
        /// `--password-prompt`: output matching it makes the next input line secret (nil: the default).
        public var passwordPrompt: String?
        /// Variables added to the child's environment (e.g. the embedded gate's endpoint).
        public var extraEnvironment: [String: String] = [:]
        /// Variables removed from the child's environment (e.g. the person's Google credentials).
        public var removedEnvironment: Set<String> = []
        public var identity: Identity?
        public var policyDigest: String?
        public var hrecVersion: String
        public var signer: JournalSigner

        public init(command: [String], hrecVersion: String, signer: JournalSigner) {
            self.command = command
            self.hrecVersion = hrecVersion
            self.signer = signer
        }
    }

    /// The outcome, once the journal is closed.
    public struct Outcome: Sendable {
        /// hrec's own exit status: the child's, or 128 + signal.
        public var exitStatus: Int32
        public var journal: URL
        public var summary: JournalWriter.Summary
    }

    public let sessionID = SessionID()
    public let clock = SessionClock()
    public let journalURL: URL
    /// The sink producers other than the pty (the embedded gate) append to.
    public let sink: JournalAppender
    private var options: Options
    private let terminal: OuterTerminal?
    private let passwordPrompt: PasswordPromptDetector

    /// Creates the journal (header written) without starting the command yet, so that other
    /// producers can be wired to `sink` first.
    /// - Throws: `RecorderError` when the journal cannot be created.
    public init(options: Options) throws(RecorderError) {
        self.options = options
        passwordPrompt = try PasswordPromptDetector(pattern: options.passwordPrompt)
        let terminal = OuterTerminal()
        self.terminal = terminal
        let environment = ProcessInfo.processInfo.environment
        let startedAt = Date(timeIntervalSince1970: Double(clock.wallStartMicros) / 1_000_000)
        journalURL = try JournalLocation.resolve(options.journal, sessionID: sessionID, startedAt: startedAt)
        let header = SessionHeader(
            sessionID: sessionID, startedAtMicros: clock.wallStartMicros, host: ProcessInfo.processInfo.hostName,
            osUser: Self.userName(), identity: options.identity, command: options.command,
            cwd: FileManager.default.currentDirectoryPath, term: environment["TERM"], size: terminal?.size,
            environment: EnvironmentAllowlist.filter(environment), hrecVersion: options.hrecVersion,
            policyDigest: options.policyDigest)
        do {
            sink = try JournalAppender(url: journalURL, header: header, signer: options.signer, clock: clock)
        } catch {
            throw .journal(error)
        }
    }

    /// Adds variables to the child's environment (call before `run`).
    public func addEnvironment(_ variables: [String: String]) {
        options.extraEnvironment.merge(variables) { $1 }
    }

    /// `run()` on a dedicated thread (the pty loop blocks in poll(2); it stays off the concurrency pool).
    public func runOnOwnThread() async throws(RecorderError) -> Outcome {
        let result: Result<Outcome, RecorderError> = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: Result { () throws(RecorderError) in try self.run() }) }
            thread.name = "hrec-pty"
            thread.start()
        }
        return try result.get()
    }

    /// Runs the command to its end and closes the journal.
    /// - Throws: `RecorderError.cannotRun` when the command cannot start (the journal is then
    ///   closed with a marker saying so), or a journal write error.
    public func run() throws(RecorderError) -> Outcome {
        var environment = ProcessInfo.processInfo.environment
        for name in options.removedEnvironment { environment.removeValue(forKey: name) }
        environment.merge(options.extraEnvironment) { $1 }
        environment["HREC_SESSION_ID"] = sessionID.description
        environment["HREC_JOURNAL"] = journalURL.path
        let size = terminal?.size
        if let size { sink.append(.resize(size)) }

        let child: PtyChild
        do {
            child = try PtyChild(command: options.command, environment: environment, size: size)
        } catch {
            sink.append(.marker(error.description))
            _ = try? close(status: nil, reason: error.description)
            throw error
        }
        do {
            try terminal?.enterRawMode()
        } catch {
            child.send(SIGHUP)
            _ = child.wait()
            _ = try? close(status: nil, reason: error.description)
            throw error
        }
        defer { terminal?.restore() }
        let relay: SessionRelay
        do {
            relay = try SessionRelay(child: child, sink: sink, terminal: terminal,
                                 inputFilter: InputFilter(recordInput: options.recordInput, passwordPrompt: passwordPrompt))
        } catch {
            terminal?.restore()
            child.send(SIGHUP)
            _ = child.wait()
            throw error
        }
        relay.run()
        let status = child.wait()
        child.master.close()
        terminal?.restore()
        let reason = relay.terminatedBy.map { "hrec received signal \($0)" }
        let summary = try close(status: status, reason: reason)
        return Outcome(exitStatus: status.shellStatus, journal: journalURL, summary: summary)
    }

    private func close(status: PtyChild.ExitStatus?, reason: String?) throws(RecorderError) -> JournalWriter.Summary {
        var end = SessionEnd(exitStatus: nil, signal: nil, endedAtMicros: SessionClock.wallMicros(), reason: reason)
        switch status {
        case let .exited(code)?: end.exitStatus = code
        case let .signaled(signal)?: end.signal = signal
        case nil: break
        }
        do {
            return try sink.close(end: end)
        } catch {
            throw .journal(error)
        }
    }

    private static func userName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid \(geteuid())"
    }
}
