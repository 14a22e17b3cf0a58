/// The one GoogleSQL tokenizer everything reading SQL shares.
///
/// It follows ZetaSQL's tokenizer (its flex grammar) as the reference, and refuses whatever it
/// would read differently or does not handle, so the gate never analyses a statement other than
/// the one BigQuery runs:
/// - whitespace is space, `\t`, `\n`, `\r`, `\b`, `\f`, `\v` and the Unicode spaces ZetaSQL
///   accepts (U+00A0, U+2000–U+200A, U+202F, U+205F, U+3000);
/// - `--` and `#` comments end at `\r`, `\n` or `\r\n`; `/* */` comments do not nest;
/// - strings in every form (single, double and triple quotes; `r`, `b`, `rb`/`br` prefixes in
///   any case) are single tokens; a backslash always takes the next character with it, raw or
///   not; single-quoted forms may not hold a raw line end; two literals with nothing between
///   them (`'a''b'`) are refused, as GoogleSQL refuses them;
/// - backtick identifiers may not hold a line end; their escapes are decoded (`` `sh\x6fp` `` is
///   `shop`), and an escape GoogleSQL does not define is refused;
/// - after `identifier.` a run of letters, digits and `_` is an identifier (`d.123t`);
/// - parameters are `@name`, `` @`name` ``, `@@name` and `?`; `@` followed by anything else
///   (whitespace, a hint `@{`, a number) is refused;
/// - a number directly followed by a letter or `_` (`123abc`) is refused, as ZetaSQL does;
/// - any other character outside a literal (non-ASCII, `$`, `\`, NUL, ...) is refused.
public enum SQLLexer {
    /// Tokenizes `sql`.
    /// - Throws: `SQLError` at the first thing that is not GoogleSQL, or that GoogleSQL would
    ///   read differently.
    public static func tokenize(_ sql: String) throws(SQLError) -> [SQLToken] {
        var scanner = SQLScanner(Array(sql.utf8))
        try scanner.run()
        return scanner.tokens
    }
}

/// The state of one tokenization: bytes, position, tokens so far.
struct SQLScanner {
    let bytes: [UInt8]
    var index = 0
    var tokens: [SQLToken] = []
    /// Where the last string or bytes literal ended (adjacent literals are refused).
    var literalEnd = -1
    /// The previous token was a `.` after an identifier: a generalized identifier may follow.
    var afterPathDot = false

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func peek(_ offset: Int) -> UInt8 { offset < bytes.count ? bytes[offset] : 0 }

    func error(_ reason: String, at offset: Int) -> SQLError {
        var line = 1, column = 1
        var position = 0
        let end = min(offset, bytes.count)
        while position < end {
            let byte = bytes[position]
            if byte == 0x0a || (byte == 0x0d && peek(position + 1) != 0x0a) { line += 1; column = 1 } else { column += 1 }
            position += 1
        }
        return SQLError(offset: offset, line: line, column: column, reason: reason)
    }

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    mutating func append(_ kind: SQLToken.Kind, _ text: String, at offset: Int) {
        tokens.append(SQLToken(kind: kind, text: text, offset: offset))
    }

    mutating func run() throws(SQLError) {
        while index < bytes.count {
            if let width = whitespaceWidth(at: index) { index += width; continue }
            if try skipComment() { continue }
            let dotted = afterPathDot
            afterPathDot = false
            let byte = bytes[index]
            let next = peek(index + 1)
            if dotted, SQLScanner.isWordByte(byte) {
                let start = index
                while index < bytes.count && SQLScanner.isWordByte(bytes[index]) { index += 1 }
                append(.word, text(start..<index), at: start)
                continue
            }
            switch byte {
            case UInt8(ascii: "`"):
                let start = index
                let name = try readQuotedIdentifier()
                append(.quotedIdentifier, name, at: start)
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                try readLiteral(prefixLength: 0, kind: .string)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                try readNumber()
            case UInt8(ascii: "."):
                if SQLScanner.isDigit(next) && !followsPathPrefix {
                    try readNumber()
                } else {
                    afterPathDot = followsPathPrefix
                    append(.dot, ".", at: index)
                    index += 1
                }
            case UInt8(ascii: "@"):
                try readParameter()
            case UInt8(ascii: "?"): append(.parameter, "?", at: index); index += 1
            case UInt8(ascii: ","): append(.comma, ",", at: index); index += 1
            case UInt8(ascii: ";"): append(.semicolon, ";", at: index); index += 1
            case UInt8(ascii: "("): append(.openParen, "(", at: index); index += 1
            case UInt8(ascii: ")"): append(.closeParen, ")", at: index); index += 1
            default:
                if SQLScanner.isWordStart(byte) {
                    try readWord()
                } else if byte >= 0x80 {
                    throw error("unexpected non-ASCII character outside a string or `identifier`", at: index)
                } else if "+-*/%<>=!|&^~:[]{}".utf8.contains(byte) {
                    let start = index
                    index += 1
                    let pair = text(start..<min(index + 1, bytes.count))
                    if ["<=", ">=", "<>", "!=", "||", "<<", ">>", "=>", "->", "|>"].contains(pair) { index += 1 }
                    append(.symbol, text(start..<index), at: start)
                } else {
                    throw error("unexpected character \(SQLScanner.describe(byte))", at: index)
                }
            }
        }
    }

    /// Whether the last token can start a path continued by `.` (an identifier, `)`, `]`, `?`).
    var followsPathPrefix: Bool {
        guard let last = tokens.last else { return false }
        switch last.kind {
        case .word, .quotedIdentifier, .closeParen: return true
        case .symbol: return last.text == "]"
        case .parameter: return last.text == "?"
        default: return false
        }
    }

    /// Skips a comment at `index`; returns false when there is none.
    mutating func skipComment() throws(SQLError) -> Bool {
        let byte = bytes[index], next = peek(index + 1)
        if byte == UInt8(ascii: "#") || (byte == UInt8(ascii: "-") && next == UInt8(ascii: "-")) {
            // Ends at \r, \n or \r\n, as GoogleSQL's do.
            while index < bytes.count && bytes[index] != 0x0a && bytes[index] != 0x0d { index += 1 }
            return true
        }
        if byte == UInt8(ascii: "/") && next == UInt8(ascii: "*") {
            let start = index
            index += 2
            while index + 1 < bytes.count && !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) { index += 1 }
            guard index + 1 < bytes.count else { throw error("unterminated /* comment", at: start) }
            index += 2
            return true
        }
        return false
    }

    mutating func readWord() throws(SQLError) {
        let start = index
        while index < bytes.count && SQLScanner.isWordByte(bytes[index]) { index += 1 }
        let word = text(start..<index).uppercased()
        // String and bytes prefixes: r, b, rb, br (any case) directly before a quote.
        if index < bytes.count, bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\""), ["R", "B", "RB", "BR"].contains(word) {
            index = start
            try readLiteral(prefixLength: word.count, kind: word.contains("B") ? .bytes : .string)
        } else {
            append(.word, text(start..<index), at: start)
        }
    }

    /// `@name`, `` @`name` ``, `@@name`, `` @@`name` ``; anything else after `@` is refused.
    mutating func readParameter() throws(SQLError) {
        let start = index
        let system = peek(index + 1) == UInt8(ascii: "@")
        index += system ? 2 : 1
        let sigil = system ? "@@" : "@"
        if peek(index) == UInt8(ascii: "`") {
            let name = try readQuotedIdentifier()
            append(.parameter, sigil + name, at: start)
        } else if SQLScanner.isWordStart(peek(index)) {
            let nameStart = index
            while index < bytes.count && SQLScanner.isWordByte(bytes[index]) { index += 1 }
            append(.parameter, sigil + text(nameStart..<index), at: start)
        } else {
            throw error("'\(sigil)' without a name directly after it (hints and spaced parameters are not supported)", at: start)
        }
    }

    /// Decimal and hex integers, floats (`1.5`, `.5`, `1.`, `1e-3`); a letter or `_` right after is refused.
    mutating func readNumber() throws(SQLError) {
        let start = index
        if bytes[index] == UInt8(ascii: "0"), peek(index + 1) | 0x20 == UInt8(ascii: "x"), SQLScanner.isHexDigit(peek(index + 2)) {
            index += 2
            while index < bytes.count && SQLScanner.isHexDigit(bytes[index]) { index += 1 }
        } else {
            while index < bytes.count && SQLScanner.isDigit(bytes[index]) { index += 1 }
            if peek(index) == UInt8(ascii: ".") {
                index += 1
                while index < bytes.count && SQLScanner.isDigit(bytes[index]) { index += 1 }
            }
            if peek(index) | 0x20 == UInt8(ascii: "e") {
                let sign = peek(index + 1) == UInt8(ascii: "+") || peek(index + 1) == UInt8(ascii: "-") ? 1 : 0
                if SQLScanner.isDigit(peek(index + 1 + sign)) {
                    index += 1 + sign
                    while index < bytes.count && SQLScanner.isDigit(bytes[index]) { index += 1 }
                }
            }
        }
        let literal = text(start..<index)
        if SQLScanner.isWordStart(peek(index)) && !literal.hasSuffix(".") {
            throw error("missing whitespace between the number \(literal) and what follows", at: index)
        }
        append(.number, literal, at: start)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }

    static func isWordStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
    }

    static func isWordByte(_ byte: UInt8) -> Bool { isWordStart(byte) || isDigit(byte) }

    static func describe(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7f ? "'\(Unicode.Scalar(byte))'" : "0x" + String(byte, radix: 16, uppercase: true)
    }
}
