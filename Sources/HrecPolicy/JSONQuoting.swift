/// JSON string literals written straight into bytes: `"`, `\` and control characters escaped,
/// every other byte copied (UTF-8 passes through unchanged). For records and bodies the gate
/// builds from parts without a serialiser; runs of plain bytes are copied in bulk.
public enum JSONQuoting {
    /// Appends `bytes` as one JSON string literal (quotes included) to `output`. `bytes` should be
    /// UTF-8; other bytes are copied as they are.
    public static func appendQuoted(_ bytes: ArraySlice<UInt8>, to output: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendQuoted($0, to: &output) }
    }

    /// Appends `bytes` as one JSON string literal (quotes included) to `output`.
    public static func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + bytes.count + bytes.count / 4 + 2)
        output.append(UInt8(ascii: "\""))
        var plain = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plain..<index]))
            plain = index + 1
            output.append(UInt8(ascii: "\\"))
            switch byte {
            case 0x0a: output.append(UInt8(ascii: "n"))
            case 0x0d: output.append(UInt8(ascii: "r"))
            case 0x09: output.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
            default:
                let hex: StaticString = "0123456789abcdef"
                output.append(UInt8(ascii: "u"))
                output.append(UInt8(ascii: "0"))
                output.append(UInt8(ascii: "0"))
                output.append(hex.utf8Start[Int(byte >> 4)])
                output.append(hex.utf8Start[Int(byte & 15)])
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plain..<bytes.count]))
        output.append(UInt8(ascii: "\""))
    }

    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        appendQuoted(Array(text.utf8)[...], to: &output)
        return output
    }
}
