import CPosix
import Foundation
import HrecConfinement
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
        /// The sandbox the command runs in; nil runs it unconfined (`confinement` then says why).
        public var sandbox: Sandbox?
        /// What the header records about confinement (defaults to the sandbox's own account).
        public var confinement: Confinement?
        public var hrecVersion: String
        public var signer: JournalSigner
        /// How long the session stays paused while its journal cannot be written (disk full)
        /// before hrec ends it, in seconds; nil waits for space however long it takes.
        public var stallTimeout: Double? = 300
        /// What else the output waits for (sync delivery to a collector); nil: nothing.
        public var outputHold: (any OutputHold)?

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
        /// Why the session ended when it was not the command exiting (as in the end record).
        public var endReason: String?
    }

    public let sessionID = SessionID()
    public let clock = SessionClock()
    public let journalURL: URL
    /// The sink producers other than the pty (the embedded gate) append to.
    public let sink: JournalAppender
    /// The prompt submitted last (the embedded gate stamps it on each request).
    public let lastPrompt = LastPrompt()
    private var options: Options
    private var closing: (@Sendable () -> Void)?
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
            policyDigest: options.policyDigest, confinement: options.confinement ?? options.sandbox?.plan.record)
        do {
            sink = try JournalAppender(url: journalURL, header: header, signer: options.signer, clock: clock)
        } catch {
            throw .journal(error)
        }
    }

    /// Runs `action` on the pty thread once the command has ended and before the journal is
    /// closed: other producers (the gate, the egress proxy) stop there, so their last events
    /// land in the journal.
    public func beforeClose(_ action: @escaping @Sendable () -> Void) {
        closing = action
    }

    /// Sets the sandbox the command runs in (call before `run`, once its sockets exist).
    public func confine(_ sandbox: Sandbox) {
        options.sandbox = sandbox
    }

    /// Makes the output wait for `hold` as well as for the journal (call before `run`).
    public func holdOutput(_ hold: any OutputHold) {
        options.outputHold = hold
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
        let report: SandboxReportPipe?
        do {
            report = try options.sandbox.map { _ throws(RecorderError) in try SandboxReportPipe() }
            let argv = options.sandbox?.argv(for: options.command) ?? options.command
            child = try PtyChild(command: argv, environment: environment, size: size, keep: report?.writeEnd,
                                 sandboxed: options.sandbox != nil)
            report?.closeWriteEnd()
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
                                 inputFilter: InputFilter(recordInput: options.recordInput, passwordPrompt: passwordPrompt),
                                 lastPrompt: lastPrompt)
        } catch {
            terminal?.restore()
            child.send(SIGHUP)
            _ = child.wait()
            throw error
        }
        relay.stallLimitMicros = options.stallTimeout.map { UInt64(max(0, $0) * 1_000_000) }
        relay.hold = options.outputHold
        relay.run()
        var status = child.wait()
        child.master.close()
        terminal?.restore()
        var reason = relay.endReason ?? relay.terminatedBy.map { "hrec received signal \($0)" }
        if let report {
            (status, reason) = settle(report.read(), sandboxStatus: status, reason: reason)
        }
        closing?()
        let summary = try close(status: status, reason: reason)
        return Outcome(exitStatus: status.shellStatus, journal: journalURL, summary: summary, endReason: reason)
    }

    /// The command's own status from the sandbox's report, with what the sandbox did journaled.
    private func settle(_ report: SandboxReport?, sandboxStatus: PtyChild.ExitStatus,
                        reason: String?) -> (PtyChild.ExitStatus, String?) {
        guard let report else {
            sink.append(.marker("confinement: the sandbox ended without reporting the command's status (bwrap: \(sandboxStatus))"))
            return (sandboxStatus, reason ?? "the sandbox ended without a report")
        }
        if report.endedProcesses > 0 {
            let count = report.endedProcesses
            sink.append(.marker("confinement: ended \(count) process\(count == 1 ? "" : "es") the command left running"))
        }
        switch report.status {
        case let .exited(code):
            return (.exited(code), reason)
        case let .signaled(signal):
            return (.signaled(signal), reason)
        case let .cannotRun(errno):
            let message = "cannot run '\(options.command[0])': \(Errno(errno))"
            sink.append(.marker(message))
            return (.exited(127), reason ?? message)
        }
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
