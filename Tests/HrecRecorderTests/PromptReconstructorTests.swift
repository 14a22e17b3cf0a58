import HrecJournal
import Testing
@testable import HrecRecorder

/// The keystroke-to-prompt reconstruction, key by key, against what a line editor would submit.
@Suite struct PromptReconstructorTests {
    static let esc = "\u{1B}"

    private func prompts(_ typed: [String]) -> [PromptEvent] {
        var reconstructor = PromptReconstructor()
        return typed.flatMap { reconstructor.feed(Array($0.utf8)) }
    }

    private func prompts(bytes: [[UInt8]]) -> [PromptEvent] {
        var reconstructor = PromptReconstructor()
        return bytes.flatMap { reconstructor.feed($0) }
    }

    @Test(arguments: [
        ("plain text and Enter", ["show me the revenue by region\r"], "show me the revenue by region"),
        ("LF submits too", ["hello\n"], "hello"),
        ("backspace", ["helo\u{7F}\u{7F}llo\r"], "hello"),
        ("Ctrl-H is backspace", ["abX\u{08}c\r"], "abc"),
        ("Ctrl-U clears to the start", ["wrong start\u{15}right\r"], "right"),
        ("Ctrl-W deletes a word", ["drop the table \u{17}\u{17}users\r"], "drop users"),
        ("left arrows insert in the middle", ["helo\(esc)[D\(esc)[Dl\r"], "hello"),
        ("right arrow after left", ["ac\(esc)[Db\(esc)[C!\r"], "abc!"),
        ("application-mode arrows", ["bc\(esc)OD\(esc)ODa\r"], "abc"),
        ("Home and End", ["bc\(esc)[Ha\(esc)[Fd\r"], "abcd"),
        ("Ctrl-A, Ctrl-E, Ctrl-B, Ctrl-K", ["world\u{01}hello \u{05}!!\u{02}\u{02}\u{0B}\r"], "hello world"),
        ("Delete key", ["abXc\(esc)[D\(esc)[D\(esc)[3~\r"], "abc"),
        ("backspace removes a whole character", ["né\u{7F}e\r"], "ne"),
        ("an escape sequence split across reads", ["ab\(esc)", "[", "Dx\r"], "axb"),
    ])
    func rebuildsTheSubmittedLine(_ name: String, typed: [String], expected: String) {
        let result = prompts(typed)
        #expect(result.map(\.text) == [expected], "\(name)")
        #expect(result.first?.complete == true, "\(name)")
    }

    @Test func utf8SplitAcrossReads() {
        let bytes = Array("café 😀\r".utf8)
        #expect(prompts(bytes: bytes.map { [$0] }).map(\.text) == ["café 😀"])
    }

    @Test func aBracketedPasteIsOneBlockAndItsNewlinesDoNotSubmit() {
        let result = prompts(["explain: \(Self.esc)[200~line one\r\nline two\rline three\(Self.esc)[201~ please\r"])
        #expect(result == [PromptEvent(text: "explain: line one\nline two\nline three please", pastes: 1)])
    }

    @Test func aPasteSplitAcrossReadsAtEveryByte() {
        let typed = Array("x\(Self.esc)[200~a\rb\(Self.esc)[201~y\r".utf8)
        #expect(prompts(bytes: typed.map { [$0] }).map(\.text) == ["xa\nby"])
    }

    @Test(arguments: [
        ("up arrow", "\(esc)[A\r", "", ["history"]),
        ("down arrow then text", "\(esc)[Bmore\r", "more", ["history"]),
        ("Tab", "sel\tect\r", "select", ["completion"]),
        ("Alt-b", "ab\(esc)bc\r", "abc", ["editing"]),
        ("Ctrl-left", "ab\(esc)[1;5Dc\r", "abc", ["editing"]),
        ("two reasons in order", "\t\(esc)[Ax\r", "x", ["completion", "history"]),
    ])
    func keysTheProgramMayActOnMarkTheEventIncomplete(_ name: String, typed: String, text: String, uncertain: [String]) {
        let result = prompts([typed])
        #expect(result.count == 1, "\(name)")
        #expect(result.first?.text == text, "\(name)")
        #expect(result.first?.complete == false, "\(name)")
        #expect(result.first?.uncertain == uncertain, "\(name)")
    }

    @Test func emptyLinesAndAbandonedLinesMakeNoEvent() {
        #expect(prompts(["\r", "\r\n", "typed then abandoned\u{03}", "\r"]).isEmpty)
    }

    @Test func eachLineIsItsOwnEventAndMarksDoNotCarryOver() {
        let result = prompts(["\(Self.esc)[Afirst\rsecond\r"])
        #expect(result.map(\.text) == ["first", "second"])
        #expect(result.map(\.complete) == [false, true])
    }

    @Test func focusReportsAreIgnored() {
        #expect(prompts(["a\(Self.esc)[Ob\(Self.esc)[I\r"]) == [PromptEvent(text: "ab")])
    }

    @Test func theEventEncodesAsDocumented() {
        let event = PromptEvent(text: "a/b \"q\"", uncertain: ["history"], pastes: 2).journalEvent
        #expect(event.type == "prompt")
        #expect(String(decoding: event.json, as: UTF8.self)
                == #"{"complete":false,"pastes":2,"text":"a/b \"q\"","type":"prompt","uncertain":["history"]}"#)
        #expect(PromptEvent(event: event) == PromptEvent(text: "a/b \"q\"", uncertain: ["history"], pastes: 2))
    }
}
