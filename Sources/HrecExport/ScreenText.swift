/// Turns terminal output into plain text lines: escape sequences dropped, `\r` and `\n` end lines.
///
/// Used to make screen text searchable. It is not a terminal emulator: cursor movement is ignored,
/// so text drawn by full-screen programs appears in drawing order.
struct ScreenText {
    /// A finished line and the record time of its first byte.
    struct Line: Equatable {
        var time: UInt64
        var text: String
    }

    private var current: [UInt8] = []
    private var currentTime: UInt64 = 0
    private var state = State.text
    private(set) var lines: [Line] = []

    private enum State { case text, escape, csi, osc, oscEscape }

    /// Feeds output bytes recorded at `time`.
    mutating func feed(_ bytes: [UInt8], time: UInt64) {
        for byte in bytes {
            switch state {
            case .text:
                switch byte {
                case 0x1b: state = .escape
                case 0x0a, 0x0d: finishLine()
                case 0x08: if !current.isEmpty { current.removeLast() }
                case 0x09: append(0x20, time: time)
                case 0..<0x20, 0x7f: break
                default: append(byte, time: time)
                }
            case .escape:
                state = byte == 0x5b ? .csi : byte == 0x5d ? .osc : .text
            case .csi:
                if (0x40...0x7e).contains(byte) { state = .text }
            case .osc:
                if byte == 0x07 { state = .text } else if byte == 0x1b { state = .oscEscape }
            case .oscEscape:
                state = byte == 0x5c ? .text : .osc
            }
        }
    }

    /// Ends the last partial line.
    mutating func finish() { finishLine() }

    private mutating func append(_ byte: UInt8, time: UInt64) {
        if current.isEmpty { currentTime = time }
        current.append(byte)
    }

    private mutating func finishLine() {
        let text = String(decoding: current, as: UTF8.self).trimmingTrailingSpaces()
        if !text.isEmpty { lines.append(Line(time: currentTime, text: text)) }
        current.removeAll(keepingCapacity: true)
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
