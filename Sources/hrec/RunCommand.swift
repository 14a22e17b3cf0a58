import ArgumentParser
import Foundation
import HrecJournal
import HrecRecorder

/// `hrec run -- CMD`: records a whole terminal session through a pty.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a command (an AI agent, a shell) on a pty and record the whole session.",
        discussion: """
            Everything the command prints, everything you type (except while the terminal \
            does not echo, e.g. at password prompts: then only the length is kept), resizes \
            and the exit status go into a compressed, hash-chained, signed journal. hrec is \
            invisible to the command: it exits with the command's exit status (128 + the \
            signal number if it was killed). The command sees HREC_SESSION_ID and HREC_JOURNAL.

            Examples:
              hrec run -- claude
              hrec run --journal ./sessions/ -- bash
            """)

    @Option(name: .customLong("journal"), help: ArgumentHelp(
        "Journal file, or directory to put it in (default: $XDG_DATA_HOME/hrec/sessions/).", valueName: "PATH"))
    var journal: String?

    @Flag(name: .customLong("no-input"), help: "Do not record what you type (only how many bytes).")
    var noInput = false

    @Flag(name: .shortAndLong, help: "Do not print the journal path at the end.")
    var quiet = false

    @Option(name: .customLong("signing-key"), help: ArgumentHelp("Ed25519 signing key file (default: ~/.config/hrec/signing-key, created on first use).", valueName: "FILE"))
    var signingKey: String?

    @Argument(parsing: .captureForPassthrough, help: "The command to run, after --.")
    var command: [String] = []

    func validate() throws {
        if command.first == "--" { return }
        if command.isEmpty { throw ValidationError("name the command to run after --, e.g. hrec run -- bash") }
    }

    func run() throws {
        let argv = command.first == "--" ? Array(command.dropFirst()) : command
        guard !argv.isEmpty else { throw ValidationError("name the command to run after --, e.g. hrec run -- bash") }
        let signer = try signingKey.map { try JournalSigner(contentsOf: URL(fileURLWithPath: $0)) } ?? JournalSigner.loadOrCreate()
        var options = RecordingSession.Options(command: argv, hrecVersion: Hrec.version, signer: signer)
        options.journal = journal
        options.recordInput = !noInput
        let session = try RecordingSession(options: options)
        let outcome = try session.run()
        if !quiet {
            FileHandle.standardError.write(Data("hrec: session recorded in \(outcome.journal.path)\n".utf8))
        }
        if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
    }
}
