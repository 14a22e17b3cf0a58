extension SQLScanner {
    /// The width in bytes of the whitespace character at `offset`, or nil when there is none:
    /// ASCII space, `\t`, `\n`, `\r`, `\b`, `\f`, `\v`, and (UTF-8) U+00A0, U+2000–U+200A, U+202F,
    /// U+205F and U+3000, the set ZetaSQL's tokenizer skips.
    func whitespaceWidth(at offset: Int) -> Int? {
        switch bytes[offset] {
        case 0x20, 0x09, 0x0a, 0x0d, 0x08, 0x0c, 0x0b: return 1
        case 0xc2 where peek(offset + 1) == 0xa0: return 2
        case 0xe2:
            let second = peek(offset + 1), third = peek(offset + 2)
            if second == 0x80 && ((0x80...0x8a).contains(third) || third == 0xaf) { return 3 }
            if second == 0x81 && third == 0x9f { return 3 }
            return nil
        case 0xe3 where peek(offset + 1) == 0x80 && peek(offset + 2) == 0x80: return 3
        default: return nil
        }
    }

    /// Reads a string or bytes literal whose prefix (`r`, `b`, `rb`, `br`) is `prefixLength`
    /// bytes long, starting at `index`. Raw or not, a backslash takes the next byte with it.
    mutating func readLiteral(prefixLength: Int, kind: SQLToken.Kind) throws(SQLError) {
        let start = index
        if start == literalEnd {
            throw error("two literals with nothing between them (GoogleSQL needs a space or comment to join them)", at: start)
        }
        let open = start + prefixLength
        let quote = bytes[open]
        let triple = peek(open + 1) == quote && peek(open + 2) == quote
        let contentStart = open + (triple ? 3 : 1)
        var position = contentStart
        while position < bytes.count {
            let current = bytes[position]
            if current == UInt8(ascii: "\\") {
                guard position + 1 < bytes.count else { break }
                // \r\n after a backslash is one escaped line end.
                position += bytes[position + 1] == 0x0d && peek(position + 2) == 0x0a ? 3 : 2
                continue
            }
            if triple {
                if current == quote && peek(position + 1) == quote && peek(position + 2) == quote {
                    finishLiteral(kind, content: contentStart..<position, start: start, end: position + 3)
                    return
                }
            } else {
                if current == 0x0a || current == 0x0d {
                    throw error("line end inside a quoted string (use triple quotes)", at: start)
                }
                if current == quote {
                    finishLiteral(kind, content: contentStart..<position, start: start, end: position + 1)
                    return
                }
            }
            position += 1
        }
        throw error("unterminated string", at: start)
    }

    private mutating func finishLiteral(_ kind: SQLToken.Kind, content: Range<Int>, start: Int, end: Int) {
        append(kind, text(content), at: start)
        index = end
        literalEnd = end
    }

    /// Reads a backtick identifier at `index` and returns its decoded name.
    mutating func readQuotedIdentifier() throws(SQLError) -> String {
        let start = index
        var position = index + 1
        var name: [UInt8] = []
        while position < bytes.count && bytes[position] != UInt8(ascii: "`") {
            let current = bytes[position]
            if current == 0x0a || current == 0x0d { throw error("line end inside a `quoted identifier`", at: start) }
            if current == UInt8(ascii: "\\") {
                position = try decodeEscape(at: position, into: &name)
                continue
            }
            name.append(current)
            position += 1
        }
        guard position < bytes.count else { throw error("unterminated `identifier`", at: start) }
        guard !name.isEmpty else { throw error("empty `identifier`", at: start) }
        index = position + 1
        return String(decoding: name, as: UTF8.self)
    }

    /// Decodes the GoogleSQL escape at `offset` (a backslash) into `output`; returns the offset
    /// after it. `\a \b \f \n \r \t \v \\ \? \" \' \``, `\ooo` (octal), `\xhh`, `\uhhhh`,
    /// `\Uhhhhhhhh`; anything else is refused.
    func decodeEscape(at offset: Int, into output: inout [UInt8]) throws(SQLError) -> Int {
        let letter = peek(offset + 1)
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "a"): 0x07, UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0c, UInt8(ascii: "n"): 0x0a,
            UInt8(ascii: "r"): 0x0d, UInt8(ascii: "t"): 0x09, UInt8(ascii: "v"): 0x0b, UInt8(ascii: "\\"): 0x5c,
            UInt8(ascii: "?"): 0x3f, UInt8(ascii: "\""): 0x22, UInt8(ascii: "'"): 0x27, UInt8(ascii: "`"): 0x60,
        ]
        if let value = simple[letter] {
            output.append(value)
            return offset + 2
        }
        func hex(_ count: Int) throws(SQLError) -> UInt32 {
            let range = offset + 2..<offset + 2 + count
            guard range.upperBound <= bytes.count, bytes[range].allSatisfy(SQLScanner.isHexDigit),
                  let value = UInt32(text(range), radix: 16) else {
                throw error("malformed escape in a `quoted identifier`", at: offset)
            }
            return value
        }
        let scalarValue: UInt32
        let width: Int
        switch letter {
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            let range = offset + 1..<offset + 4
            guard range.upperBound <= bytes.count, bytes[range].allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }),
                  let value = UInt32(text(range), radix: 8), value <= 0o377 else {
                throw error("malformed octal escape in a `quoted identifier`", at: offset)
            }
            scalarValue = value
            width = 4
        case UInt8(ascii: "x"), UInt8(ascii: "X"): scalarValue = try hex(2); width = 4
        case UInt8(ascii: "u"): scalarValue = try hex(4); width = 6
        case UInt8(ascii: "U"): scalarValue = try hex(8); width = 10
        default:
            throw error("escape '\\\(letter < 0x80 ? String(Unicode.Scalar(letter)) : "?")' is not GoogleSQL", at: offset)
        }
        guard scalarValue != 0, let scalar = Unicode.Scalar(scalarValue) else {
            throw error("escape names no valid character", at: offset)
        }
        output.append(contentsOf: Array(String(Character(scalar)).utf8))
        return offset + width
    }
}
