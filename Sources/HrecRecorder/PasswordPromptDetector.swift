import Foundation
import HrecJournal

/// Watches what the program prints for a password prompt, the way sudo's `passprompt_regex`
/// does: the end of the program's output (escape sequences and control characters other than
/// newline removed, trailing white space and newlines dropped) is matched against a pattern; on
/// a match, the person's next keystrokes, up to Enter, are secret. This covers full-screen
/// programs (raw mode, echo off) that read passwords themselves, where the terminal's ECHO flag
/// says nothing; they often draw the prompt, then blank lines below it, then move the cursor
/// back up, which is why trailing newlines do not count.
///
/// The end of the output is matched after every short write (a prompt is one), after the first
/// write following 20 ms without a match attempt, and before the person's input is filed; so a
/// 100 MB `cat` costs a copy of each write's last kilobyte, not a parse of every byte.
public struct PasswordPromptDetector {
    /// The default pattern: a line ending in a prompt for a password, passphrase or passcode
    /// (`Password:`, `[sudo] password for alice:`, `Enter passphrase for key '~/.ssh/id':`).
    public static let defaultPattern = #"(?i)(password|passphrase|passcode)[^\n]{0,80}:\s*$"#
    /// How much of the output's end is kept and read (raw bytes).
    static let window = 1024
    /// Writes up to this size are matched at once.
    static let shortWrite = 512
    /// Longer writes are matched at most this often (µs).
    static let interval: UInt64 = 20_000

    private let pattern: NSRegularExpression
    private var tail: [UInt8] = []
    private var pending = false
    private var lastMatch: UInt64 = 0
    /// True from a matching output until `disarm()` (the person pressed Enter).
    private(set) var armed = false

    /// A detector for `pattern` (an ICU regular expression, matched against the output's end
    /// with trailing white space and newlines dropped), or the default pattern.
    /// - Throws: `RecorderError.invalidPasswordPrompt` when the pattern does not compile.
    init(pattern: String? = nil) throws(RecorderError) {
        let source = pattern ?? Self.defaultPattern
        do {
            self.pattern = try NSRegularExpression(pattern: source)
        } catch {
            throw .invalidPasswordPrompt(source)
        }
    }

    /// Takes a chunk the program wrote at `now` (µs, monotonic); may arm.
    mutating func observe(_ output: [UInt8], now: UInt64 = SessionClock.monotonicMicros()) {
        guard !armed else { return }
        if output.count >= Self.window {
            tail = Array(output.suffix(Self.window))
        } else {
            tail.append(contentsOf: output)
            if tail.count > 2 * Self.window { tail.removeFirst(tail.count - Self.window) }
        }
        pending = true
        if output.count <= Self.shortWrite || now &- lastMatch >= Self.interval {
            lastMatch = now
            match()
        }
    }

    /// Matches output not yet matched (call before filing input).
    mutating func settle() {
        if pending && !armed { match() }
    }

    /// The secret was submitted: stop withholding input; the prompt's text is spent.
    mutating func disarm() {
        armed = false
        tail = []
        pending = false
    }

    private mutating func match() {
        pending = false
        let text = Self.visibleEnd(tail.suffix(Self.window))
        guard !text.isEmpty else { return }
        if pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
            armed = true
            tail = []
        }
    }

    /// The text of `bytes` with escape sequences and control characters other than LF removed,
    /// trailing spaces, tabs and LFs dropped. Parsing starts afresh at the first byte.
    static func visibleEnd(_ bytes: ArraySlice<UInt8>) -> String {
        enum Escape { case none, start, csi, osc, oscEscape }
        var escape = Escape.none
        var visible: [UInt8] = []
        visible.reserveCapacity(bytes.count)
        var index = bytes.startIndex  // an index loop: iterating a slice is slow in debug builds
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            switch escape {
            case .none:
                if byte == 0x1B {
                    escape = .start
                } else if byte == 0x0A || (byte >= 0x20 && byte != 0x7F) {
                    visible.append(byte)
                }
            case .start:
                escape = byte == UInt8(ascii: "[") ? .csi
                    : byte == UInt8(ascii: "]") || byte == UInt8(ascii: "P") || byte == UInt8(ascii: "_") ? .osc : .none
            case .csi:
                if byte >= 0x40 && byte <= 0x7E { escape = .none }
            case .osc:
                if byte == 0x07 { escape = .none } else if byte == 0x1B { escape = .oscEscape }
            case .oscEscape:
                escape = byte == UInt8(ascii: "\\") ? .none : .osc
            }
        }
        while let last = visible.last, last == 0x20 || last == 0x0A || last == 0x09 { visible.removeLast() }
        return String(decoding: visible, as: UTF8.self)
    }
}
