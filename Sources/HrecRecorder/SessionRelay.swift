import CPosix
import HrecJournal
#if canImport(Glibc)
import Glibc
#endif

/// The pty loop: relays the person's input to the child and the child's output to the person,
/// hands every chunk to the journal sink (never waiting on disk), follows resizes, and turns
/// hrec's own termination signals into a polite end of the child.
final class SessionRelay {
    private let child: PtyChild
    private let sink: any RecordSink
    private let terminal: OuterTerminal?
    private let input: FileDescriptor
    private let output: FileDescriptor
    private var inputFilter: InputFilter
    /// Numbers each prompt and tells the embedded gate which one came last.
    private let lastPrompt: LastPrompt
    private let signals: SignalPipe
    private var pendingInput: [UInt8] = []
    private var inputOpen = true
    private var termination: (signal: Int32, since: UInt64, step: Int)?

    /// The signal that made hrec end the child, if any.
    private(set) var terminatedBy: Int32?
    /// Why hrec ended the session itself (the journal could not be written, or output was held, for too long).
    private(set) var endReason: String?
    /// How long the relay stays paused while the journal cannot be written before it ends the
    /// session, in µs (nil: wait for space however long it takes).
    var stallLimitMicros: UInt64? = 300_000_000
    /// What else output waits for (sync delivery to a collector), if anything.
    var hold: (any OutputHold)?
    /// Since when the relay is paused, and why.
    private var pause: Pause?

    private struct Pause {
        enum Cause {
            /// The journal cannot be written.
            case journal(String)
            /// The output hold holds.
            case delivery(String)

            func isSameKind(as other: Cause) -> Bool {
                switch (self, other) {
                case (.journal, .journal), (.delivery, .delivery): true
                default: false
                }
            }
        }
        var since: UInt64
        var cause: Cause
    }

    init(child: PtyChild, sink: any RecordSink, terminal: OuterTerminal?, inputFilter: InputFilter, lastPrompt: LastPrompt = LastPrompt(),
         input: FileDescriptor = FileDescriptor(rawValue: STDIN_FILENO),
         output: FileDescriptor = FileDescriptor(rawValue: STDOUT_FILENO)) throws(RecorderError) {
        self.child = child
        self.sink = sink
        self.terminal = terminal
        self.inputFilter = inputFilter
        self.lastPrompt = lastPrompt
        self.input = input
        self.output = output
        signals = try SignalPipe(signals: [SIGWINCH, SIGCHLD, SIGTERM, SIGHUP, SIGINT, SIGQUIT])
        _ = fcntl(child.master.rawValue, F_SETFL, fcntl(child.master.rawValue, F_GETFL) | O_NONBLOCK)
    }

    /// Runs until the child's side of the pty closes (or the child exits and its output is drained).
    func run() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            // While the journal cannot be written nothing is relayed either way (the master is left
            // out of poll: the child blocks once the pty buffer is full).
            let paused = checkJournal()
            var fds = [
                pollfd(fd: paused ? -1 : child.master.rawValue, events: Int16(POLLIN) | (pendingInput.isEmpty ? 0 : Int16(POLLOUT)),
                       revents: 0),
                pollfd(fd: signals.readEnd.rawValue, events: Int16(POLLIN), revents: 0),
            ]
            if inputOpen && pendingInput.isEmpty && !paused { fds.append(pollfd(fd: input.rawValue, events: Int16(POLLIN), revents: 0)) }
            // Woken twice a second even when idle, so a stall is shown while the command is silent.
            let timeout: Int32 = termination == nil && !paused ? 500 : 200
            let ready = Glibc.poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 && errno != EINTR { return }
            if fds[1].revents != 0 { handleSignals() }
            escalateTermination()
            if fds[0].revents & Int16(POLLOUT) != 0 { flushPendingInput() }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                if !relayOutput(&buffer) { return }
            }
            if fds.count > 2 && fds[2].revents != 0 { relayInput(&buffer) }
            if child.poll() != nil {
                drainOutput(&buffer)
                return
            }
        }
    }

    /// Reads what the child wrote; false when the pty is closed (EIO on the master is end of file, here only).
    private func relayOutput(_ buffer: inout [UInt8]) -> Bool {
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(child.master.rawValue, $0.baseAddress, $0.count) }
            if count > 0 {
                let chunk = Array(buffer[0..<count])
                sink.append(.output(chunk))
                inputFilter.observe(output: chunk)
                try? output.writeAll(chunk)
                if count < buffer.count { return true }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return true }
            return false  // 0 or EIO: every slave descriptor is closed.
        }
    }

    /// Follows the journal's state and the output hold: pauses the relay (with a notice on the
    /// person's terminal) while the journal cannot be written or output is held, resumes when
    /// it may, ends the session once a pause lasts longer than its limit.
    /// - Returns: whether the relay is paused.
    private func checkJournal() -> Bool {
        let now = SessionClock.monotonicMicros()
        let cause: Pause.Cause? = if let stall = sink.stall {
            .journal(stall.description)
        } else if let reason = hold?.holdReason() {
            .delivery(reason)
        } else { nil }
        if let pause, cause.map({ !$0.isSameKind(as: pause.cause) }) ?? true {
            let seconds = (now - pause.since) / 1_000_000
            switch pause.cause {
            case let .journal(reason):
                sink.append(.marker("recording was paused for \(seconds) s: \(reason)"))
                notify("recording resumed after \(seconds) s; the session goes on")
            case let .delivery(reason):
                sink.append(.marker("output was held for \(seconds) s: \(reason)"))
                notify("output resumed after \(seconds) s; the session goes on")
            }
            self.pause = nil
        }
        guard let cause else { return false }
        let limit: UInt64? = switch cause {
        case .journal: stallLimitMicros
        case .delivery: hold?.limitMicros
        }
        guard let pause else {
            pause = Pause(since: now, cause: cause)
            let ending = limit.map { "; after \($0 / 1_000_000) s hrec ends the session" } ?? ""
            switch cause {
            case let .journal(reason):
                notify("recording paused: \(reason). Nothing is relayed until the journal can be written again\(ending).")
            case let .delivery(reason):
                notify("output held: \(reason). Nothing is relayed until the collector acknowledges the journal\(ending).")
            }
            return true
        }
        if termination == nil, let limit, now - pause.since >= limit {
            let reason = switch cause {
            case let .journal(detail): "the journal could not be written for \(limit / 1_000_000) s (\(detail))"
            case let .delivery(detail): "the collector did not acknowledge the journal for \(limit / 1_000_000) s (\(detail))"
            }
            endReason = reason
            sink.append(.marker("\(reason); hrec ends the session"))
            notify("\(reason); ending the session")
            termination = (SIGHUP, now, 0)
            child.send(SIGHUP)
        }
        return true
    }

    /// An hrec notice on the person's terminal (not recorded: it is about the recording).
    private func notify(_ text: String) {
        try? output.writeAll(Array("\r\n[hrec] \(text)\r\n".utf8))
    }

    private func drainOutput(_ buffer: inout [UInt8]) {
        while relayOutput(&buffer) {
            var fds = [pollfd(fd: child.master.rawValue, events: Int16(POLLIN), revents: 0)]
            if Glibc.poll(&fds, 1, 20) <= 0 { return }
        }
    }

    private func relayInput(_ buffer: inout [UInt8]) {
        let count = buffer.withUnsafeMutableBytes { Glibc.read(input.rawValue, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { return }
        if count <= 0 {
            inputOpen = false
            // End of piped input: send the EOF character, as a person typing Ctrl-D would.
            if terminal == nil { pendingInput.append(0x04) }
            return
        }
        let chunk = Array(buffer[0..<count])
        for action in inputFilter.actions(for: chunk, discipline: LineDiscipline(master: child.master)) {
            switch action {
            case let .record(bytes): sink.append(.input(bytes))
            case let .redact(length, reason): sink.append(.redaction(Redaction(stream: "input", reason: reason, length: UInt64(length))))
            case let .prompt(prompt): lastPrompt.submit(prompt) { sink.append(.event($0.journalEvent)) }
            }
        }
        pendingInput += chunk
        flushPendingInput()
    }

    private func flushPendingInput() {
        while !pendingInput.isEmpty {
            let written = pendingInput.withUnsafeBytes { Glibc.write(child.master.rawValue, $0.baseAddress, $0.count) }
            if written > 0 {
                pendingInput.removeFirst(written)
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                return
            }
        }
    }

    private func handleSignals() {
        for signal in signals.drain() {
            switch signal {
            case SIGWINCH:
                if let size = terminal?.size {
                    child.resize(size)
                    sink.append(.resize(size))
                }
            case SIGCHLD:
                break
            default:
                if termination == nil {
                    terminatedBy = signal
                    termination = (signal, SessionClock.monotonicMicros(), 0)
                    child.send(SIGHUP)
                    sink.append(.marker("hrec received signal \(signal); ending the session"))
                }
            }
        }
    }

    /// SIGHUP first; SIGTERM after 2 s; SIGKILL after 5 s.
    private func escalateTermination() {
        guard var state = termination else { return }
        let elapsed = SessionClock.monotonicMicros() - state.since
        if state.step == 0 && elapsed > 2_000_000 {
            child.send(SIGTERM)
            state.step = 1
        } else if state.step == 1 && elapsed > 5_000_000 {
            child.send(SIGKILL)
            state.step = 2
        }
        termination = state
    }
}
