import Foundation

/// Watches what the program prints for a password prompt, the way sudo's `passprompt_regex`
/// does: after each write, the text of the current output line (escape sequences and control
/// characters removed) is matched against a pattern; on a match, the person's next keystrokes,
/// up to Enter, are secret. This covers full-screen programs (raw mode, echo off) that read
/// passwords themselves, where the terminal's ECHO flag says nothing.
public struct PasswordPromptDetector {
    /// The default pattern: a line ending in a prompt for a password, passphrase or passcode
    /// (`Password:`, `[sudo] password for alice:`, `Enter passphrase for key '~/.ssh/id':`).
    public static let defaultPattern = #"(?i)(password|passphrase|passcode)[^\n]{0,80}:\s*$"#
    /// The line text kept for matching (the tail of a longer line).
    static let lineLimit = 512

    private enum Escape { case none, start, csi, osc, oscEscape }

    private let pattern: NSRegularExpression
    private var line: [UInt8] = []
    private var escape = Escape.none
    /// True from a matching output line until `disarm()` (the person pressed Enter).
    private(set) var armed = false

    /// A detector for `pattern` (an ICU regular expression), or the default pattern.
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
        guard !armed, !line.isEmpty else { return }
        let text = String(decoding: line, as: UTF8.self)
        if pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
            armed = true
            line = []
        }
    }

    /// The secret was submitted: stop withholding input.
    mutating func disarm() { armed = false }

    private mutating func strip(_ byte: UInt8) {
        switch escape {
        case .none:
            switch byte {
            case 0x1B: escape = .start
            case 0x0A: line = []
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
