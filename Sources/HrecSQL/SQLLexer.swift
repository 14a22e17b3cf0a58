/// The one GoogleSQL tokenizer everything reading SQL shares.
///
/// Comments (`--`, `#`, `/* */`) are dropped; strings in every form (single, double and
/// triple quotes; `r`, `b`, `rb`/`br` prefixes in any case) and backtick identifiers are single
/// tokens, so keywords or semicolons inside them never count. Unterminated strings, comments
/// and identifiers are errors with their position.
public enum SQLLexer {
    /// Tokenizes `sql`.
    /// - Throws: `SQLError` at the first thing that is not GoogleSQL.
    public static func tokenize(_ sql: String) throws(SQLError) -> [SQLToken] {
        let bytes = Array(sql.utf8)
        var tokens: [SQLToken] = []
        var index = 0
        func error(_ reason: String, at offset: Int) -> SQLError {
            var line = 1, column = 1
            for byte in bytes[0..<min(offset, bytes.count)] {
                if byte == 0x0a { line += 1; column = 1 } else { column += 1 }
            }
            return SQLError(offset: offset, line: line, column: column, reason: reason)
        }
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

        while index < bytes.count {
            let byte = bytes[index]
            let next: UInt8 = index + 1 < bytes.count ? bytes[index + 1] : 0
            switch byte {
            case 0x20, 0x09, 0x0a, 0x0d, 0x0b, 0x0c:
                index += 1
            case UInt8(ascii: "-") where next == UInt8(ascii: "-"), UInt8(ascii: "#"):
                while index < bytes.count && bytes[index] != 0x0a { index += 1 }
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                let start = index
                index += 2
                while index + 1 < bytes.count && !(bytes[index] == UInt8(ascii: "*") && bytes[index + 1] == UInt8(ascii: "/")) { index += 1 }
                guard index + 1 < bytes.count else { throw error("unterminated /* comment", at: start) }
                index += 2
            case UInt8(ascii: "`"):
                let start = index
                index += 1
                var content: [UInt8] = []
                while index < bytes.count && bytes[index] != UInt8(ascii: "`") {
                    if bytes[index] == UInt8(ascii: "\\") && index + 1 < bytes.count { content.append(bytes[index + 1]); index += 2; continue }
                    content.append(bytes[index])
                    index += 1
                }
                guard index < bytes.count else { throw error("unterminated `identifier`", at: start) }
                index += 1
                guard !content.isEmpty else { throw error("empty `identifier`", at: start) }
                tokens.append(SQLToken(kind: .quotedIdentifier, text: String(decoding: content, as: UTF8.self), offset: start))
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                let (content, end) = try readString(bytes, quoteAt: index, raw: false, error: error)
                tokens.append(SQLToken(kind: .string, text: content, offset: index))
                index = end
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = index
                while index < bytes.count, isNumberByte(bytes[index]) || ((bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"))
                        && (bytes[index - 1] == UInt8(ascii: "e") || bytes[index - 1] == UInt8(ascii: "E")) && !text(start..<index).hasPrefix("0x")) {
                    index += 1
                }
                tokens.append(SQLToken(kind: .number, text: text(start..<index), offset: start))
            case UInt8(ascii: "."):
                if next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9"), tokens.last.map({ $0.kind != .word && $0.kind != .quotedIdentifier && $0.kind != .closeParen }) ?? true {
                    let start = index
                    index += 1
                    while index < bytes.count && isNumberByte(bytes[index]) { index += 1 }
                    tokens.append(SQLToken(kind: .number, text: text(start..<index), offset: start))
                } else {
                    tokens.append(SQLToken(kind: .dot, text: ".", offset: index))
                    index += 1
                }
            case UInt8(ascii: "@"):
                let start = index
                index += next == UInt8(ascii: "@") ? 2 : 1
                while index < bytes.count && isWordByte(bytes[index]) { index += 1 }
                guard index > start + 1 else { throw error("'@' without a name", at: start) }
                tokens.append(SQLToken(kind: .parameter, text: text(start..<index), offset: start))
            case UInt8(ascii: "?"):
                tokens.append(SQLToken(kind: .parameter, text: "?", offset: index))
                index += 1
            case UInt8(ascii: ","): tokens.append(SQLToken(kind: .comma, text: ",", offset: index)); index += 1
            case UInt8(ascii: ";"): tokens.append(SQLToken(kind: .semicolon, text: ";", offset: index)); index += 1
            case UInt8(ascii: "("): tokens.append(SQLToken(kind: .openParen, text: "(", offset: index)); index += 1
            case UInt8(ascii: ")"): tokens.append(SQLToken(kind: .closeParen, text: ")", offset: index)); index += 1
            default:
                if isWordStart(byte) {
                    let start = index
                    while index < bytes.count && isWordByte(bytes[index]) { index += 1 }
                    let word = text(start..<index)
                    // String and bytes prefixes: r, b, rb, br (any case) directly before a quote.
                    if index < bytes.count, bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\""),
                       ["R", "B", "RB", "BR"].contains(word.uppercased()) {
                        let raw = word.uppercased().contains("R")
                        let (content, end) = try readString(bytes, quoteAt: index, raw: raw, error: error)
                        tokens.append(SQLToken(kind: word.uppercased().contains("B") ? .bytes : .string, text: content, offset: start))
                        index = end
                    } else {
                        tokens.append(SQLToken(kind: .word, text: word, offset: start))
                    }
                } else if byte >= 0x80 {
                    throw error("unexpected non-ASCII character outside a string or `identifier`", at: index)
                } else if "+-*/%<>=!|&^~:[]{}".utf8.contains(byte) {
                    let start = index
                    index += 1
                    let pair = text(start..<min(index + 1, bytes.count))
                    if ["<=", ">=", "<>", "!=", "||", "<<", ">>", "=>", "->"].contains(pair) { index += 1 }
                    tokens.append(SQLToken(kind: .symbol, text: text(start..<index), offset: start))
                } else {
                    throw error("unexpected character '\(Unicode.Scalar(byte))'", at: index)
                }
            }
        }
        return tokens
    }

    /// Reads a quoted literal starting at `quoteAt` (single, double or triple quotes).
    private static func readString(_ bytes: [UInt8], quoteAt start: Int, raw: Bool,
                                   error: (String, Int) -> SQLError) throws(SQLError) -> (String, Int) {
        let quote = bytes[start]
        let triple = start + 2 < bytes.count && bytes[start + 1] == quote && bytes[start + 2] == quote
        var index = start + (triple ? 3 : 1)
        let contentStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") && !raw {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\\") && raw && index + 1 < bytes.count && bytes[index + 1] == quote {
                index += 2  // a raw string still cannot end on an escaped quote
                continue
            }
            if triple {
                if byte == quote && index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote {
                    return (String(decoding: bytes[contentStart..<index], as: UTF8.self), index + 3)
                }
            } else {
                if byte == 0x0a { throw error("newline inside a quoted string (use triple quotes)", start) }
                if byte == quote { return (String(decoding: bytes[contentStart..<index], as: UTF8.self), index + 1) }
            }
            index += 1
        }
        throw error("unterminated string", start)
    }

    private static func isWordStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        isWordStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        isWordByte(byte) || byte == UInt8(ascii: ".")
    }
}
