import HrecJournal

/// Decides, for each read of the person's input, what the journal gets: the bytes, or a
/// redaction where a secret is being typed; and the prompts the keys submitted.
///
/// Secrets are: everything with `--no-input`; input while the pty is in canonical mode with
/// ECHO off (getpass, `read -s`, sudo, ssh); and, for full-screen programs, input after output
/// matching the password-prompt pattern, up to and including Enter. Everything else, raw mode
/// included (every agent TUI), is recorded and rebuilt into `prompt` events.
struct InputFilter {
    /// What to append to the journal, in order.
    enum Action: Equatable {
        case record([UInt8])
        case redact(length: Int, reason: String)
        case prompt(PromptEvent)
    }

    private let recordInput: Bool
    private var detector: PasswordPromptDetector
    private var reconstructor = PromptReconstructor()

    init(recordInput: Bool, passwordPrompt: PasswordPromptDetector) {
        self.recordInput = recordInput
        detector = passwordPrompt
    }

    /// Takes what the program wrote (to spot password prompts).
    mutating func observe(output: [UInt8]) {
        if recordInput { detector.observe(output) }
    }

    /// The journal actions for `input`, typed while the pty was in `discipline`.
    mutating func actions(for input: [UInt8], discipline: LineDiscipline) -> [Action] {
        guard recordInput else { return [.redact(length: input.count, reason: "no-input")] }
        if discipline.readsSecret {
            reconstructor.discardLine()
            // The same prompt may have armed the pattern rule (getpass prints "Password: "):
            // the secret line ends here for both.
            if input.contains(where: { $0 == 0x0D || $0 == 0x0A }) { detector.disarm() }
            return [.redact(length: input.count, reason: "echo-off")]
        }
        var rest = input[...]
        var actions: [Action] = []
        detector.settle()
        if detector.armed {
            guard let enter = rest.firstIndex(where: { $0 == 0x0D || $0 == 0x0A }) else {
                return [.redact(length: input.count, reason: "password-prompt")]
            }
            actions.append(.redact(length: enter + 1 - rest.startIndex, reason: "password-prompt"))
            reconstructor.discardLine()
            detector.disarm()
            rest = rest[(enter + 1)...]
        }
        guard !rest.isEmpty else { return actions }
        actions.append(.record(Array(rest)))
        actions += reconstructor.feed(rest).map { .prompt($0) }
        return actions
    }
}
