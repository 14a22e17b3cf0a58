import HrecJournal

/// Rebuilds the line the person is typing from their keys, the way a line editor would
/// (readline, prompt_toolkit, an agent's input box), and yields a `PromptEvent` at each Enter
/// outside a bracketed paste. The rules and their limits are in docs/prompts.md.
///
/// A value-type state machine with no I/O: feed it input bytes, get prompts back.
struct PromptReconstructor {
    /// A line longer than this many characters is cut (and marked incomplete).
    static let lineLimit = 1 << 20

    private var decoder = KeyDecoder()
    private var line: [Unicode.Scalar] = []
    private var cursor = 0
    private var uncertain: [String] = []
    private var pastes = 0

    /// Feeds the bytes the person typed; returns the prompts they submitted, in order.
    mutating func feed(_ bytes: some Sequence<UInt8>) -> [PromptEvent] {
        var prompts: [PromptEvent] = []
        for key in decoder.decode(bytes) {
            if let prompt = apply(key) { prompts.append(prompt) }
        }
        return prompts
    }

    /// Forgets the line being typed (its keys were withheld: a password, a secret).
    mutating func discardLine() {
        line = []
        cursor = 0
        uncertain = []
        pastes = 0
    }

    private mutating func apply(_ key: Key) -> PromptEvent? {
        switch key {
        case let .character(scalar): insert([scalar])
        case let .paste(text):
            pastes += 1
            insert(Array(text.unicodeScalars))
        case let .control(byte): return control(byte)
        case let .escape(introducer, parameters, final): escape(introducer, parameters, final)
        }
        return nil
    }

    private mutating func control(_ byte: UInt8) -> PromptEvent? {
        switch byte {
        case 0x0D, 0x0A: return submit()
        case 0x7F, 0x08: if cursor > 0 { line.remove(at: cursor - 1); cursor -= 1 }  // Backspace, Ctrl-H
        case 0x15: line.removeSubrange(0..<cursor); cursor = 0  // Ctrl-U: to the start
        case 0x0B: line.removeSubrange(cursor...)  // Ctrl-K: to the end
        case 0x17: deleteWordBackward()  // Ctrl-W
        case 0x01: cursor = 0  // Ctrl-A
        case 0x05: cursor = line.count  // Ctrl-E
        case 0x02: cursor = max(cursor - 1, 0)  // Ctrl-B
        case 0x06: cursor = min(cursor + 1, line.count)  // Ctrl-F
        case 0x04: if cursor < line.count { line.remove(at: cursor) }  // Ctrl-D: delete under the cursor
        case 0x03: discardLine()  // Ctrl-C: the line is abandoned
        case 0x09: note("completion")  // Tab
        default: note("editing")
        }
        return nil
    }

    private mutating func escape(_ introducer: UInt8, _ parameters: [UInt8], _ final: UInt8) {
        let arguments = String(decoding: parameters, as: UTF8.self)
        guard introducer != 0x1B else { return note("editing") }  // Alt-key, lone Escape
        switch (arguments, final) {
        case ("", UInt8(ascii: "D")): cursor = max(cursor - 1, 0)
        case ("", UInt8(ascii: "C")): cursor = min(cursor + 1, line.count)
        case ("", UInt8(ascii: "H")), ("1", UInt8(ascii: "~")), ("7", UInt8(ascii: "~")): cursor = 0
        case ("", UInt8(ascii: "F")), ("4", UInt8(ascii: "~")), ("8", UInt8(ascii: "~")): cursor = line.count
        case ("3", UInt8(ascii: "~")): if cursor < line.count { line.remove(at: cursor) }  // Delete
        case ("", UInt8(ascii: "A")), ("", UInt8(ascii: "B")): note("history")
        case ("", UInt8(ascii: "I")), ("", UInt8(ascii: "O")), ("201", UInt8(ascii: "~")): break  // focus in/out, stray paste end
        default: note("editing")
        }
    }

    private mutating func insert(_ scalars: [Unicode.Scalar]) {
        let room = Self.lineLimit - line.count
        if scalars.count > room { note("too-long") }
        let kept = scalars.prefix(max(room, 0))
        line.insert(contentsOf: kept, at: cursor)
        cursor += kept.count
    }

    private mutating func deleteWordBackward() {
        var start = cursor
        while start > 0, line[start - 1].properties.isWhitespace { start -= 1 }
        while start > 0, !line[start - 1].properties.isWhitespace { start -= 1 }
        line.removeSubrange(start..<cursor)
        cursor = start
    }

    private mutating func note(_ reason: String) {
        if !uncertain.contains(reason) { uncertain.append(reason) }
    }

    private mutating func submit() -> PromptEvent? {
        defer { discardLine() }
        guard !line.isEmpty || !uncertain.isEmpty else { return nil }
        var text = ""
        text.unicodeScalars.append(contentsOf: line)
        return PromptEvent(text: text, uncertain: uncertain, pastes: pastes)
    }
}
