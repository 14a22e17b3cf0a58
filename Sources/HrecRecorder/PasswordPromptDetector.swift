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
    /// Of a longer write, only its last bytes are read: a prompt is at the end, and the pty
    /// loop must not pay per byte of a 100 MB `cat` (escape parsing restarts there).
    static let window = 1024

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
        var start = 0
        if output.count > Self.window {
            start = output.count - Self.window
            escape = .none
            line.removeAll(keepingCapacity: true)
        }
        output.withUnsafeBufferPointer { bytes in
            var index = start  // an index loop: iterating a slice is slow in debug builds
            while index < bytes.count {
                strip(bytes[index])
                index += 1
            }
        }
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

    // Plain comparisons rather than range patterns: this runs per output byte.
    private mutating func strip(_ byte: UInt8) {
        switch escape {
        case .none:
            if byte == 0x1B {
                escape = .start
            } else if byte == 0x0A || (byte >= 0x20 && byte != 0x7F) {
                line.append(byte)
            }
        case .start:
            let introducer = byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "P") || byte == UInt8(ascii: "_")
            escape = !introducer ? .none : byte == UInt8(ascii: "[") ? .csi : .osc
        case .csi:
            if byte >= 0x40 && byte <= 0x7E { escape = .none }
        case .osc:
            if byte == 0x07 { escape = .none } else if byte == 0x1B { escape = .oscEscape }
        case .oscEscape:
            escape = byte == UInt8(ascii: "\\") ? .none : .osc
        }
    }
}
