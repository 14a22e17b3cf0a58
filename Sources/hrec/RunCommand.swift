import ArgumentParser
import Foundation
import HrecConfinement
import HrecDelivery
import HrecEgress
import HrecGate
import HrecJournal
import HrecPolicy
import HrecRecorder

/// `hrec run -- CMD`: records a whole terminal session through a pty, with the BigQuery gate.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command (an AI agent, a shell) on a pty and record the whole session.",
        discussion: """
            Everything the command prints, everything you type, resizes and the exit status go \
            into a compressed, hash-chained, signed journal. hrec is \
            invisible to the command: it exits with the command's exit status (128 + the \
            signal number if it was killed). The command sees HREC_SESSION_ID and HREC_JOURNAL. \
            While the journal cannot be written (disk full) nothing is relayed and the gate \
            forwards nothing; the session resumes when space returns (or ends after \
            --stall-timeout). If the journal file is deleted or replaced during the session, \
            hrec saves the records through its open descriptor, says where, and exits 70.

            Secrets you type are kept out (only their length is recorded): input while the \
            terminal is in line mode without echo (getpass, read -s, sudo, ssh), and, for \
            full-screen programs, input after the command's output ends in a prompt matching \
            --password-prompt, up to Enter. Each line you submit becomes a 'prompt' event, rebuilt from \
            your keys (docs/prompts.md).

            A BigQuery gate runs on 127.0.0.1 for the session: the command's Google client is \
            pointed at it (BIGQUERY_EMULATOR_HOST, GOOGLE_APPLICATION_CREDENTIALS) and every \
            call is authenticated, recorded and forwarded with the gate's own credential. Your \
            own Google credential variables are not passed to the command.

            With --collector the journal is shipped to a collector (hrec collect) as it is \
            written, and its signed receipts are journaled; what is not delivered when the \
            session ends stays in the journal and is sent later (hrec deliver). --delivery sync \
            holds the command's output while the collector lags (docs/collector.md).

            Examples:
              hrec run -- claude
              hrec run --gate-config team.yaml --identity-token ~/.hrec/id-token -- codex
              hrec run --dev-identity --upstream http://127.0.0.1:9050 --project test-proj -- python3 agent.py
              hrec run --collector https://collector.example.com --identity-token ~/.hrec/id-token -- claude
            """)

    @Option(name: .customLong("journal"), help: ArgumentHelp(
        "Journal file, or directory to put it in (default: $XDG_DATA_HOME/hrec/sessions/).", valueName: "PATH"))
    var journal: String?

    @Flag(name: .customLong("no-input"), help: "Do not record what you type (only how many bytes).")
    var noInput = false

    @Option(name: .customLong("password-prompt"), help: ArgumentHelp(
        "Output ending in a match of this regular expression makes your next line secret (default: \(PasswordPromptDetector.defaultPattern)).",
        valueName: "REGEX"))
    var passwordPrompt: String?

    @Flag(name: .shortAndLong, help: "Do not print the journal path at the end.")
    var quiet = false

    @Flag(name: .customLong("unconfined"), help: "Run the command without the sandbox (it can then read hrec's key and your credentials, and reach the network directly); the journal says so.")
    var unconfined = false

    @Option(name: .customLong("signing-key"), help: ArgumentHelp("Ed25519 signing key file (default: ~/.config/hrec/signing-key, created on first use).", valueName: "FILE"))
    var signingKey: String?

    @Option(name: .customLong("stall-timeout"), help: ArgumentHelp(
        "While the journal cannot be written (disk full) the session is paused; end it after this many seconds (0: wait for space).",
        valueName: "SECONDS"))
    var stallTimeout: Double = 300

    @OptionGroup(title: "BigQuery gate") var gate: GateOptions

    @OptionGroup(title: "Delivery to a collector") var delivery: DeliveryOptions

    @Argument(parsing: .captureForPassthrough, help: "The command to run, after --.")
    var command: [String] = []

    func run() async throws {
        // The command is captured as is, so --help and -h before it arrive here.
        if command.first == "--help" || command.first == "-h" { throw CleanExit.helpRequest(self) }
        let argv = command.first == "--" ? Array(command.dropFirst()) : command
        guard !argv.isEmpty else { throw CLIError("run: name the command to run after --, e.g. hrec run -- bash", exitCode: 64) }
        _ = try CommandPath.resolve(argv[0], searchPath: ProcessInfo.processInfo.environment["PATH"])
        // Before anything secret is read: nothing of the person's may be read out of this process.
        ProcessHardening.makeNonDumpable()
        let personEnvironment = ProcessInfo.processInfo.environment
        let credentialEnvironment = ProcessHardening.takeEnvironment(EmbeddedGate.removedEnvironment.subtracting(["BIGQUERY_EMULATOR_HOST"]))
        let signer = try signingKey.map { try JournalSigner(contentsOf: URL(fileURLWithPath: $0)) } ?? JournalSigner.loadOrCreate()
        var options = RecordingSession.Options(command: argv, hrecVersion: Hrec.version, signer: signer)
        options.journal = journal
        options.recordInput = !noInput
        options.removedEnvironment = EmbeddedGate.removedEnvironment
        options.stallTimeout = stallTimeout > 0 ? stallTimeout : nil
        options.passwordPrompt = passwordPrompt

        let configuration = try gate.configuration()
        let delivery = try self.delivery.merged(with: configuration.delivery)
        let requestPolicy = try gate.requestPolicy()
        if let policyGate = requestPolicy as? PolicyGate { options.policyDigest = policyGate.policy.digest }
        let identityMode = try configuration.gateIdentity(devUser: OSUser.name)
        if !gate.noGate {
            options.identity = try await startIdentity(identityMode)
        }
        let directory: URL
        do { directory = try EmbeddedGate.makePrivateDirectory() } catch { throw CLIError("\(error)") }
        defer { try? FileManager.default.removeItem(at: directory) }
        var confinement: RunConfinement?
        if unconfined {
            options.confinement = .none(reason: "--unconfined")
        } else {
            let hrecFiles = [journal, signingKey, configuration.upstream?.serviceAccountKey].compactMap { $0 }
            confinement = try RunConfinement(environment: personEnvironment, directory: directory, hrecFiles: hrecFiles,
                                             readOnly: [gate.policyFile, gate.configFile].compactMap { $0 },
                                             settings: configuration.confinement)
            options.confinement = confinement?.plan.record
        }
        let session = try RecordingSession(options: options)
        var shipping: RunDelivery?
        if let collector = delivery.collector {
            do {
                shipping = try RunDelivery(options: delivery, collector: collector, token: try collectorToken(identityMode),
                                           journal: session.journalURL, sink: session.sink)
            } catch {
                session.sink.abandon()
                throw error
            }
            if let hold = shipping?.hold { session.holdOutput(hold) }
        }
        var embedded: EmbeddedGate?
        if !gate.noGate {
            do {
                embedded = try await EmbeddedGate.start(
                    identity: identityMode, identityTokenFile: gate.identityToken,
                    upstreamURL: configuration.upstream?.url ?? "https://bigquery.googleapis.com",
                    credential: configuration.upstreamCredential, project: configuration.upstream?.project, sink: session.sink,
                    lastPrompt: session.lastPrompt,
                    policy: requestPolicy, dryRuns: configuration.upstream?.dryRun,
                    responseJournalCap: try configuration.responseJournalCap(), requestLimits: try configuration.requestLimits(),
                    session: session.sessionID.description, journal: session.journalURL.path,
                    directory: directory, credentialEnvironment: credentialEnvironment,
                    advertisedHost: confinement == nil ? "127.0.0.1" : RunConfinement.gateAddress)
            } catch {
                session.sink.abandon()
                throw CLIError("cannot start the BigQuery gate: \(error)")
            }
            session.addEnvironment(embedded?.environment ?? [:])
        }
        var proxy: EgressProxy?
        if var confinement {
            if let embedded {
                confinement.plan.relays.append(.init(address: RunConfinement.gateAddress, port: embedded.server.port, socket: embedded.socketPath))
            }
            confinement.plan.hidden.append(session.journalURL.path)
            do {
                let started = try await confinement.startEgressProxy(
                    network: try networkPolicy(requestPolicy), upstreamURL: configuration.upstream?.url ?? "https://bigquery.googleapis.com",
                    collectorURL: delivery.collector, sink: session.sink)
                proxy = started.0
                session.addEnvironment(started.1)
                session.confine(try confinement.sandbox())
            } catch {
                await proxy?.stop()
                await embedded?.stop()
                session.sink.abandon()
                throw error
            }
        }
        let producers = (proxy, embedded)
        session.beforeClose {
            let stopped = DispatchSemaphore(value: 0)
            Task {
                await producers.0?.stop()
                await producers.1?.stop()
                stopped.signal()
            }
            stopped.wait()
        }
        let result: RecordingSession.Outcome
        do {
            result = try await session.runOnOwnThread()
        } catch {
            await proxy?.stop()
            await embedded?.stop()
            await shipping?.finish(endReason: nil)
            throw error
        }
        await shipping?.finish(endReason: result.endReason)
        if let displacement = result.summary.displacement {
            // The path no longer names the journal: say so, where the records are, and fail.
            let saved = result.summary.recoveredTo.map { "; its records are saved in \($0.path)" } ?? ""
            FileHandle.standardError.write(Data("hrec: \(displacement)\(saved)\n".utf8))
            throw ExitCode(RunCommand.journalDisplacedStatus)
        }
        if !quiet {
            FileHandle.standardError.write(Data("hrec: session recorded in \(result.journal.path)\n".utf8))
        }
        if result.exitStatus != 0 { throw ExitCode(result.exitStatus) }
    }

    /// The policy's `network` section (the --policy file's, else the gate configuration's), or the default.
    private func networkPolicy(_ requestPolicy: any RequestPolicy) throws -> NetworkPolicy {
        if let policyGate = requestPolicy as? PolicyGate { return policyGate.policy.network }
        guard let file = gate.configFile else { return NetworkPolicy() }
        return try PolicyParser.loadNetwork(path: file)
    }

    /// hrec's status when the journal path was deleted or replaced during the session.
    static let journalDisplacedStatus: Int32 = 70

    /// The bearer token for the collector: the identity token file, or a placeholder in dev mode
    /// (the dev collector accepts any token).
    private func collectorToken(_ mode: GateIdentity) throws -> IdentityTokenSource {
        if let file = gate.identityToken { return .file(file) }
        if case .dev = mode { return .fixed("dev-mode-no-identity-token") }
        throw CLIError("--collector needs your identity token (--identity-token FILE), or --dev-identity", exitCode: 64)
    }

    /// The identity for the journal header: verified from --identity-token, the OS user in dev mode.
    private func startIdentity(_ mode: GateIdentity) async throws -> Identity? {
        switch mode {
        case let .dev(identity):
            return identity
        case let .oidc(verifier):
            guard let file = gate.identityToken else { return nil }
            guard let token = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read identity token '\(file)'") }
            do {
                return try await verifier.verify(String(decoding: token, as: UTF8.self))
            } catch {
                throw CLIError("identity token '\(file)' is not valid: \(error)")
            }
        case .unconfigured:
            return nil
        }
    }
}
