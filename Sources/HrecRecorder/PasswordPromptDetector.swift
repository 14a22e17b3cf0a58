import Foundation

/// Watches what the program prints for a password prompt, the way sudo's `passprompt_regex`
/// does: after each write, the end of the program's output (escape sequences and control
/// characters other than newline removed, trailing white space and newlines dropped) is matched
/// against a pattern; on a match, the person's next keystrokes, up to Enter, are secret. This
/// covers full-screen programs (raw mode, echo off) that read passwords themselves, where the
/// terminal's ECHO flag says nothing; they often draw the prompt, then blank lines below it,
/// then move the cursor back up, which is why trailing newlines do not count.
public struct PasswordPromptDetector {
    /// The default pattern: a line ending in a prompt for a password, passphrase or passcode
    /// (`Password:`, `[sudo] password for alice:`, `Enter passphrase for key '~/.ssh/id':`).
    public static let defaultPattern = #"(?i)(password|passphrase|passcode)[^\n]{0,80}:\s*$"#
    /// The output text kept for matching (the tail of the output).
    static let lineLimit = 512

    private enum Escape { case none, start, csi, osc, oscEscape }

    private let pattern: NSRegularExpression
    private var line: [UInt8] = []
    private var escape = Escape.none
    /// True from a matching output line until `disarm()` (the person pressed Enter).
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

    /// Takes a chunk the program wrote; arms when the current line then matches the pattern.
    mutating func observe(_ output: [UInt8]) {
        for byte in output { strip(byte) }
        if line.count > Self.lineLimit { line.removeFirst(line.count - Self.lineLimit) }
        guard !armed else { return }
        let end = line.lastIndex { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 }.map { $0 + 1 } ?? 0
        guard end > 0 else { return }
        let text = String(decoding: line[..<end], as: UTF8.self)
        if pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
            armed = true
            line = []
        }
    }

    /// The secret was submitted: stop withholding input; the prompt's text is spent.
    mutating func disarm() {
        armed = false
        line = []
    }

    private mutating func strip(_ byte: UInt8) {
        switch escape {
        case .none:
            switch byte {
            case 0x1B: escape = .start
            case 0x0A: line.append(0x0A)
            case 0x00..<0x20, 0x7F: break
            default: line.append(byte)
            }
        case .start:
            switch byte {
            case UInt8(ascii: "["): escape = .csi
            case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"): escape = .osc
            default: escape = .none
            }
        case .csi:
            if (0x40...0x7E).contains(byte) { escape = .none }
        case .osc:
            if byte == 0x07 { escape = .none } else if byte == 0x1B { escape = .oscEscape }
        case .oscEscape:
            escape = byte == UInt8(ascii: "\\") ? .none : .osc
        }
    }
}
