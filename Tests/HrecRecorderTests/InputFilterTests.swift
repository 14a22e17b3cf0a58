import HrecJournal
import Testing
@testable import HrecRecorder

/// What reaches the journal of the person's input: bytes, redactions and prompts.
@Suite struct InputFilterTests {
    let raw = LineDiscipline(echoes: false, canonical: false)
    let cooked = LineDiscipline(echoes: true, canonical: true)
    let secret = LineDiscipline(echoes: false, canonical: true)

    private func filter(_ pattern: String? = nil, recordInput: Bool = true) throws -> InputFilter {
        InputFilter(recordInput: recordInput, passwordPrompt: try PasswordPromptDetector(pattern: pattern))
    }

    @Test func rawModeInputIsRecordedAndBecomesAPrompt() throws {
        var filter = try filter()
        let actions = filter.actions(for: Array("show me the revenue by region\r".utf8), discipline: raw)
        #expect(actions == [.record(Array("show me the revenue by region\r".utf8)),
                            .prompt(PromptEvent(text: "show me the revenue by region"))])
    }

    @Test func canonicalModeWithoutEchoIsASecret() throws {
        var filter = try filter()
        _ = filter.actions(for: Array("half".utf8), discipline: raw)
        #expect(filter.actions(for: Array("hunter2\r".utf8), discipline: secret) == [.redact(length: 8, reason: "echo-off")])
        // The half-typed line before the secret is gone too: the next line starts afresh.
        #expect(filter.actions(for: Array("next\r".utf8), discipline: cooked).last == .prompt(PromptEvent(text: "next")))
    }

    @Test func aPasswordPromptAnsweredInLineModeDoesNotHoldTheNextLine() throws {
        var filter = try filter()
        filter.observe(output: Array("Password: ".utf8))
        #expect(filter.actions(for: Array("hunter2\r".utf8), discipline: secret) == [.redact(length: 8, reason: "echo-off")])
        #expect(filter.actions(for: Array("ls\r".utf8), discipline: cooked) == [.record(Array("ls\r".utf8)), .prompt(PromptEvent(text: "ls"))])
    }

    @Test func noInputWithholdsEverythingAndMakesNoPrompt() throws {
        var filter = try filter(recordInput: false)
        #expect(filter.actions(for: Array("hello\r".utf8), discipline: raw) == [.redact(length: 6, reason: "no-input")])
    }

    @Test func aMatchingPromptWithholdsInputUpToEnterThenRecordsAgain() throws {
        var filter = try filter()
        filter.observe(output: Array("\u{1B}[2J\u{1B}[5;1H[sudo] password for alice: \u{1B}[?25h".utf8))
        #expect(filter.actions(for: Array("hunt".utf8), discipline: raw) == [.redact(length: 4, reason: "password-prompt")])
        filter.observe(output: Array("*".utf8))  // the program may draw masks meanwhile
        #expect(filter.actions(for: Array("er2\rls\r".utf8), discipline: raw)
                == [.redact(length: 4, reason: "password-prompt"), .record(Array("ls\r".utf8)), .prompt(PromptEvent(text: "ls"))])
    }

    @Test(arguments: [
        ("Password: ", true), ("Enter passphrase for key '/home/a/.ssh/id_ed25519': ", true),
        ("alice@db's password:", true), ("PASSCODE:  ", true),
        ("Password reset done.", false), ("tokens: 1234", false), ("password: set\n$ ", false),
        ("Password:\u{1B}[0m\r\r\n\r\r\n\u{1B}[2A\u{1B}[9C", true), ("agent> login\r\nPassword:\r\n\r\n", true),
    ])
    func theDefaultPatternMatchesPasswordPromptsOnly(_ output: String, matches: Bool) throws {
        var detector = try PasswordPromptDetector()
        detector.observe(Array(output.utf8))
        #expect(detector.armed == matches, "\(output)")
    }

    @Test func aPromptSplitAcrossWritesStillMatches() throws {
        var detector = try PasswordPromptDetector()
        detector.observe(Array("Pass".utf8))
        #expect(!detector.armed)
        detector.observe(Array("word:\u{1B}[0m ".utf8))
        #expect(detector.armed)
    }

    @Test func longWritesAreMatchedAtMostEvery20msAndAlwaysBeforeInput() throws {
        var detector = try PasswordPromptDetector()
        let bulk = [UInt8](repeating: UInt8(ascii: "x"), count: 4000)
        detector.observe(bulk, now: 1_000_000)
        detector.observe(bulk + Array("\nPassword:".utf8), now: 1_005_000)
        #expect(!detector.armed)  // 5 ms after the last match: not matched yet
        detector.settle()  // the person types: what is pending is matched first
        #expect(detector.armed)
        var later = try PasswordPromptDetector()
        later.observe(bulk, now: 1_000_000)
        later.observe(bulk + Array("\nPassword:".utf8), now: 1_030_000)
        #expect(later.armed)
    }

    @Test func aConfiguredPatternReplacesTheDefault() throws {
        var detector = try PasswordPromptDetector(pattern: "API key>$")
        detector.observe(Array("Password:".utf8))
        #expect(!detector.armed)
        detector.observe(Array("\nAPI key> ".utf8))
        #expect(detector.armed)
    }

    @Test func anInvalidPatternIsAClearError() {
        #expect(throws: RecorderError.self) { try PasswordPromptDetector(pattern: "(unclosed") }
    }
}
