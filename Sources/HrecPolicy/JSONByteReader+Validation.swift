/// Validating reads: every byte checked against the JSON grammar (RFC 8259), so a value the
/// reader accepts is one a client's parser accepts with the same boundaries. Used where the
/// gate must not guess: the response scanner, which fails closed on anything malformed.
extension JSONByteReader {
    /// Nesting deeper than this is refused rather than recursed into.
    static let maximumDepth = 256

    /// Checks one value of any kind and moves past it, without recursion or building anything
    /// (the rows' path: it runs over every byte of a result). `depth` counts the enclosing levels.
    /// - Throws: `MaskingError` naming the offset and what is wrong.
    mutating func validateValue(depth: Int = 0) throws(MaskingError) {
        // One bit per open container, innermost lowest: 1 for an object, 0 for an array.
        var open = ContainerStack()
        value: while true {
            skipWhitespace()
            guard let byte = peek else { throw error("unexpected end of JSON") }
            switch byte {
            case UInt8(ascii: "\""):
                _ = try readString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth + open.count < Self.maximumDepth else { throw error("JSON nested deeper than \(Self.maximumDepth) levels") }
                position += 1
                skipWhitespace()
                let isObject = byte == UInt8(ascii: "{")
                if peek == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    position += 1
                } else {
                    open.push(isObject)
                    if isObject { try readKey() }
                    continue value
                }
            default:
                try validateScalar()
            }
            // After a value: close containers until one continues with ','.
            while let isObject = open.top {
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","):
                    position += 1
                    if isObject { skipWhitespace(); try readKey() }
                    continue value
                case UInt8(ascii: "}") where isObject, UInt8(ascii: "]") where !isObject:
                    position += 1
                    open.pop()
                case nil:
                    throw error(isObject ? "unterminated object" : "unterminated array")
                default:
                    throw error(isObject ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
                }
            }
            return
        }
    }

    /// `"key" :` inside an object.
    private mutating func readKey() throws(MaskingError) {
        _ = try readString()
        skipWhitespace()
        guard peek == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
        position += 1
    }

    /// The open containers of `validateValue`, as bits (up to `maximumDepth`).
    struct ContainerStack {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        private(set) var count = 0

        var top: Bool? {
            guard count > 0 else { return nil }
            return bit(count - 1)
        }

        mutating func push(_ isObject: Bool) {
            let mask: UInt64 = 1 << UInt64((count) & 63)
            withUnsafeMutableBytes(of: &words) { raw in
                let word = raw.baseAddress!.assumingMemoryBound(to: UInt64.self) + (count >> 6)
                word.pointee = isObject ? word.pointee | mask : word.pointee & ~mask
            }
            count += 1
        }

        mutating func pop() { count -= 1 }

        private func bit(_ index: Int) -> Bool {
            withUnsafeBytes(of: words) { raw in
                (raw.load(fromByteOffset: (index >> 6) * 8, as: UInt64.self) >> UInt64(index & 63)) & 1 == 1
            }
        }
    }

    /// Walks `{ "key": value, ... }`, calling `member` with the reader at each value.
    mutating func members(depth: Int, _ member: (inout JSONByteReader, Range<Int>, Bool) throws(MaskingError) -> Void) throws(MaskingError) {
        guard depth < Self.maximumDepth else { throw error("JSON nested deeper than \(Self.maximumDepth) levels") }
        position += 1
        skipWhitespace()
        if peek == UInt8(ascii: "}") { position += 1; return }
        while true {
            skipWhitespace()
            let (key, escaped) = try readString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw error("expected ':' after an object key") }
            position += 1
            try member(&self, key, escaped)
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return
            case nil: throw error("unterminated object")
            default: throw error("expected ',' or '}' in an object")
            }
        }
    }

    /// Walks `[ value, ... ]`, calling `element` with the reader at each element.
    mutating func elements(depth: Int, _ element: (inout JSONByteReader) throws(MaskingError) -> Void) throws(MaskingError) {
        guard depth < Self.maximumDepth else { throw error("JSON nested deeper than \(Self.maximumDepth) levels") }
        position += 1
        skipWhitespace()
        if peek == UInt8(ascii: "]") { position += 1; return }
        while true {
            try element(&self)
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return
            case nil: throw error("unterminated array")
            default: throw error("expected ',' or ']' in an array")
            }
        }
    }

    /// A number, `true`, `false` or `null`.
    mutating func validateScalar() throws(MaskingError) {
        switch peek {
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try validateNumber()
        }
    }

    private mutating func literal(_ word: StaticString) throws(MaskingError) {
        let length = word.utf8CodeUnitCount
        guard bytes.count - position >= length,
              (0..<length).allSatisfy({ word.utf8Start[$0] == bytes[position + $0] }) else { throw error("bad literal") }
        position += length
    }

    private mutating func validateNumber() throws(MaskingError) {
        if peek == UInt8(ascii: "-") { position += 1 }
        guard let first = peek, Self.isDigit(first) else { throw error("expected a value") }
        position += 1
        if first != UInt8(ascii: "0") { skipDigits() }
        if peek == UInt8(ascii: ".") {
            position += 1
            guard let digit = peek, Self.isDigit(digit) else { throw error("bad number") }
            skipDigits()
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            position += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            guard let digit = peek, Self.isDigit(digit) else { throw error("bad number") }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while let byte = peek, Self.isDigit(byte) { position += 1 }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
    }
}
