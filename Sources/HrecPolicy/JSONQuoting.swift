/// JSON string literals written straight into bytes: `"`, `\` and control characters escaped,
/// every other byte copied (UTF-8 passes through unchanged). For records and bodies the gate
/// builds from parts without a serialiser; runs of plain bytes are copied in bulk.
public enum JSONQuoting {
    /// Appends `bytes` as one JSON string literal (quotes included) to `output`. `bytes` should be
    /// UTF-8; other bytes are copied as they are.
    public static func appendQuoted(_ bytes: ArraySlice<UInt8>, to output: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendQuoted($0, to: &output) }
    }

    /// Appends `bytes` as one JSON string literal (quotes included) to `output`. One pass sizes
    /// the literal, a second writes it in place at the output's end, a byte at a time (a
    /// response body is mostly short runs between quotes, too short for bulk copies to pay).
    public static func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        var length = 2
        escapedLength.withUnsafeBufferPointer { table in
            for byte in bytes { length += Int(table[Int(byte)]) }
        }
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: length))
        output.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let out = base + start
            out[0] = UInt8(ascii: "\"")
            out[length - 1] = UInt8(ascii: "\"")
            guard length > 2, let source = bytes.baseAddress else { return }
            var at = 1
            escapedLength.withUnsafeBufferPointer { table in
                for index in 0..<bytes.count {
                    let byte = source[index]
                    if table[Int(byte)] == 1 {
                        out[at] = byte
                        at += 1
                        continue
                    }
                    out[at] = UInt8(ascii: "\\")
                    switch byte {
                    case 0x0a: out[at + 1] = UInt8(ascii: "n"); at += 2
                    case 0x0d: out[at + 1] = UInt8(ascii: "r"); at += 2
                    case 0x09: out[at + 1] = UInt8(ascii: "t"); at += 2
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): out[at + 1] = byte; at += 2
                    default:
                        let hex: StaticString = "0123456789abcdef"
                        out[at + 1] = UInt8(ascii: "u"); out[at + 2] = UInt8(ascii: "0"); out[at + 3] = UInt8(ascii: "0")
                        out[at + 4] = hex.utf8Start[Int(byte >> 4)]; out[at + 5] = hex.utf8Start[Int(byte & 15)]
                        at += 6
                    }
                }
            }
        }
    }

    /// Per byte, the length of its escaped form: 6 for a control character written as `\u00XX`,
    /// 2 for `\n`, `\r`, `\t`, `\"` and `\\`, 1 for every other byte.
    private static let escapedLength: [UInt8] = (0..<256).map { byte in
        switch byte {
        case 0x0a, 0x0d, 0x09, 0x22, 0x5c: 2
        case 0..<0x20: 6
        default: 1
        }
    }

    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        appendQuoted(Array(text.utf8)[...], to: &output)
        return output
    }
}
