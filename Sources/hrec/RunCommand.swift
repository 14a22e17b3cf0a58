import ArgumentParser
import Foundation
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
            signal number if it was killed). The command sees HREC_SESSION_ID and HREC_JOURNAL.

            Secrets you type are kept out (only their length is recorded): input while the \
            terminal is in line mode without echo (getpass, read -s, sudo, ssh), and, for \
            full-screen programs, input after the command's output ends in a prompt matching \
            --password-prompt, up to Enter. Each line you submit becomes a 'prompt' event, rebuilt from \
            your keys (docs/prompts.md).

            A BigQuery gate runs on 127.0.0.1 for the session: the command's Google client is \
            pointed at it (BIGQUERY_EMULATOR_HOST, GOOGLE_APPLICATION_CREDENTIALS) and every \
            call is authenticated, recorded and forwarded with the gate's own credential. Your \
            own Google credential variables are not passed to the command.

            Examples:
              hrec run -- claude
              hrec run --gate-config team.yaml --identity-token ~/.hrec/id-token -- codex
              hrec run --dev-identity --upstream http://127.0.0.1:9050 --project test-proj -- python3 agent.py
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

    @Option(name: .customLong("signing-key"), help: ArgumentHelp("Ed25519 signing key file (default: ~/.config/hrec/signing-key, created on first use).", valueName: "FILE"))
    var signingKey: String?

    @OptionGroup(title: "BigQuery gate") var gate: GateOptions

    @Argument(parsing: .captureForPassthrough, help: "The command to run, after --.")
    var command: [String] = []

    func run() async throws {
        // The command is captured as is, so --help and -h before it arrive here.
        if command.first == "--help" || command.first == "-h" { throw CleanExit.helpRequest(self) }
        let argv = command.first == "--" ? Array(command.dropFirst()) : command
        guard !argv.isEmpty else { throw CLIError("run: name the command to run after --, e.g. hrec run -- bash", exitCode: 64) }
        _ = try CommandPath.resolve(argv[0], searchPath: ProcessInfo.processInfo.environment["PATH"])
        let signer = try signingKey.map { try JournalSigner(contentsOf: URL(fileURLWithPath: $0)) } ?? JournalSigner.loadOrCreate()
        var options = RecordingSession.Options(command: argv, hrecVersion: Hrec.version, signer: signer)
        options.journal = journal
        options.recordInput = !noInput
        options.passwordPrompt = passwordPrompt

        let configuration = try gate.configuration()
        let requestPolicy = try gate.requestPolicy()
        if let policyGate = requestPolicy as? PolicyGate { options.policyDigest = policyGate.policy.digest }
        let identityMode = try configuration.gateIdentity(devUser: OSUser.name)
        if !gate.noGate {
            options.identity = try await startIdentity(identityMode)
            options.removedEnvironment = EmbeddedGate.removedEnvironment
        }
        let session = try RecordingSession(options: options)
        var embedded: EmbeddedGate?
        if !gate.noGate {
            do {
                embedded = try await EmbeddedGate.start(
                    identity: identityMode, identityTokenFile: gate.identityToken,
                    upstreamURL: configuration.upstream?.url ?? "https://bigquery.googleapis.com",
                    credential: configuration.upstreamCredential, project: configuration.upstream?.project, sink: session.sink,
                    policy: requestPolicy, dryRuns: configuration.upstream?.dryRun,
                    session: session.sessionID.description, journal: session.journalURL.path)
            } catch {
                session.sink.abandon()
                throw CLIError("cannot start the BigQuery gate: \(error)")
            }
            session.addEnvironment(embedded?.environment ?? [:])
        }
        let result: RecordingSession.Outcome
        do {
            result = try await session.runOnOwnThread()
        } catch {
            await embedded?.stop()
            throw error
        }
        await embedded?.stop()
        if !quiet {
            FileHandle.standardError.write(Data("hrec: session recorded in \(result.journal.path)\n".utf8))
        }
        if result.exitStatus != 0 { throw ExitCode(result.exitStatus) }
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
