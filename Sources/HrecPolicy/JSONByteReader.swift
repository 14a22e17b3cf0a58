/// A cursor over JSON bytes: skips values, reads strings, finds top-level members. Used by the
/// row masker; fast because it never builds values it does not need.
struct JSONByteReader {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int

    init(bytes: UnsafeBufferPointer<UInt8>, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    func error(_ reason: String) -> MaskingError { MaskingError(offset: position, reason: reason) }

    @inline(__always)
    mutating func skipWhitespace() {
        // Most calls meet no whitespace: one comparison settles them.
        guard position < bytes.count, bytes[position] <= 0x20 else { return }
        while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x0a || bytes[position] == 0x0d || bytes[position] == 0x09 {
            position += 1
        }
    }

    mutating func consumeNull() throws(MaskingError) -> Bool {
        guard peek == UInt8(ascii: "n") else { return false }
        guard position + 4 <= bytes.count, bytes[position + 1] == UInt8(ascii: "u"), bytes[position + 2] == UInt8(ascii: "l"),
              bytes[position + 3] == UInt8(ascii: "l") else { throw error("bad literal") }
        position += 4
        return true
    }

    /// Reads a string, its escapes checked and no raw control characters in it; returns the range
    /// of its content and whether it has escapes.
    @inline(__always)
    mutating func readString() throws(MaskingError) -> (Range<Int>, Bool) {
        guard peek == UInt8(ascii: "\"") else { throw error("expected a string") }
        position += 1
        let start = position
        var escaped = false
        while position < bytes.count {
            skipPlainStringBytes()
            guard position < bytes.count else { break }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return (start..<position - 1, escaped)
            }
            if byte < 0x20 { throw error("control character in a string") }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                guard position + 1 < bytes.count else { break }
                switch bytes[position + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 2
                case UInt8(ascii: "u"):
                    guard position + 6 <= bytes.count, (2..<6).allSatisfy({ Self.isHexDigit(bytes[position + $0]) }) else {
                        throw error("bad \\u escape in a string")
                    }
                    position += 6
                default:
                    throw error("bad escape in a string")
                }
                continue
            }
            position += 1
        }
        throw error("unterminated string")
    }

    /// Moves past string bytes that need no look (not `"`, `\\`, or a control character), eight
    /// at a time: the lowest flagged byte of a word is exact, so the walk stops on it.
    @inline(__always)
    mutating func skipPlainStringBytes() {
        guard let base = bytes.baseAddress else { return }
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while position + 8 <= bytes.count {
            let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let flagged = ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | (word &- ones &* 0x20) & ~word) & highs
            if flagged != 0 {
                position += flagged.trailingZeroBitCount / 8
                return
            }
            position += 8
        }
    }

    /// The byte range of the top-level member `name`'s value, or nil when absent.
    /// - Throws: when the body is not a JSON object.
    mutating func topLevelValue(named name: String) throws(MaskingError) -> Range<Int>? {
        let key = Array(name.utf8)
        skipWhitespace()
        guard peek == UInt8(ascii: "{") else { throw error("the response is not a JSON object") }
        position += 1
        var found: Range<Int>?
        while true {
            skipWhitespace()
            if peek == UInt8(ascii: "}") { position += 1; break }
            if peek == UInt8(ascii: ",") { position += 1; skipWhitespace() }
            let (range, _) = try readString()
            skipWhitespace()
            guard peek == UInt8(ascii: ":") else { throw error("expected ':'") }
            position += 1
            skipWhitespace()
            let valueStart = position
            try validateValue(depth: 1)
            if Array(bytes[range]) == key { found = valueStart..<position }
        }
        return found
    }

    /// The text of a string's content, unescaped when needed.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, escaped: Bool) -> String {
        guard escaped else { return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        var out: [UInt8] = []
        var index = range.lowerBound
        var pendingHigh: UInt32?
        while index < range.upperBound {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < range.upperBound else { out.append(byte); index += 1; continue }
            let next = bytes[index + 1]
            index += 2
            switch next {
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "u") where index + 4 <= range.upperBound:
                let hex = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<index + 4]), as: UTF8.self)
                index += 4
                guard let code = UInt32(hex, radix: 16) else { continue }
                if (0xD800...0xDBFF).contains(code) { pendingHigh = code; continue }
                var scalarValue = code
                if (0xDC00...0xDFFF).contains(code), let high = pendingHigh {
                    scalarValue = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                }
                pendingHigh = nil
                if let scalar = Unicode.Scalar(scalarValue) { out += Array(String(Character(scalar)).utf8) }
            default: out.append(next)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
