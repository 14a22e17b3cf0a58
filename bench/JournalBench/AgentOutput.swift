/// Deterministic agent-like terminal output: streamed tokens, coloured listings, progress bars,
/// redraws with cursor movement and code blocks, in pty-sized chunks.
struct AgentOutput {
    private var random: UInt64
    private let words = ["the", "query", "table", "SELECT", "customer_id", "FROM", "analytics", "orders", "WHERE",
                         "func", "return", "let", "var", "if", "else", "import", "struct", "error", "result", "file",
                         "Sources/App/main.swift", "tests", "passed", "running", "build", "index", "value", "user",
                         "email", "null", "true", "false", "async", "await", "try", "print", "config", "update"]

    init(seed: UInt64) { random = seed }

    mutating func next() -> UInt64 {
        random &+= 0x9E37_79B9_7F4A_7C15
        var z = random
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// One burst of output, as a program would write it.
    mutating func burst() -> [UInt8] {
        var text = ""
        switch next() % 6 {
        case 0: // streamed tokens: an agent's prose, a few words per write
            for _ in 0..<(3 + next() % 12) { text += pick(words) + (next() % 9 == 0 ? ".\r\n" : " ") }
        case 1: // coloured ls
            for _ in 0..<(3 + next() % 12) {
                let color = pick(["\u{1b}[01;34m", "\u{1b}[01;32m", "\u{1b}[0m", "\u{1b}[01;36m"])
                text += "\(color)\(pick(words))_\(next() % 8).\(pick(["swift", "py", "md", "json"]))\u{1b}[0m  "
            }
            text += "\r\n"
        case 2: // progress bar redraw
            let done = Int(next() % 41)
            text += "\r\u{1b}[2K[" + String(repeating: "#", count: done) + String(repeating: ".", count: 40 - done) + "] \(done * 100 / 40)%"
        case 3: // full-screen redraw with cursor movement
            text += "\u{1b}[H\u{1b}[2J"
            for row in 1...(5 + Int(next() % 15)) {
                text += "\u{1b}[\(row);1H\u{1b}[38;5;\(pick([33, 208, 244, 250]))m\(pick(words)) \(pick(words)) \(next() % 100)\u{1b}[0m\u{1b}[K"
            }
        case 4: // code block
            for _ in 0..<(2 + next() % 10) {
                text += "    " + "\u{1b}[35m\(pick(["let", "func", "if", "return"]))\u{1b}[0m \(pick(words))(\(pick(words)): \(pick(words)))\r\n"
            }
        default: // spinner and status line
            text += "\u{1b}[s\u{1b}[999;1H\u{1b}[7m \(pick(["⠋", "⠙", "⠹", "⠸"])) \(pick(words)) \(next() % 100)s \u{1b}[0m\u{1b}[u"
        }
        return Array(text.utf8)
    }

    /// About `total` bytes of output in chunks of at most 4 KiB, like reads from a pty.
    mutating func chunks(total: Int) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []
        var produced = 0
        while produced < total {
            current += burst()
            if current.count >= 256 + Int(next() % 3840) {
                produced += current.count
                chunks.append(current)
                current = []
            }
        }
        return chunks
    }
}
