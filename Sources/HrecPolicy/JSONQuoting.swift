/// JSON string literals written straight into bytes: `"`, `\` and control characters escaped,
/// every other byte copied (UTF-8 passes through unchanged). For records and bodies the gate
/// builds from parts without a serialiser.
public enum JSONQuoting {
    /// Appends `bytes` as one JSON string literal (quotes included) to `output`. `bytes` should be
    /// UTF-8; other bytes are copied as they are.
    public static func appendQuoted<Bytes: Collection<UInt8>>(_ bytes: Bytes, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + bytes.count + bytes.count / 8 + 2)
        output.append(UInt8(ascii: "\""))
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): output.append(UInt8(ascii: "\\")); output.append(byte)
            case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\")); output.append(byte)
            case 0x0a: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "n"))
            case 0x0d: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "r"))
            case 0x09: output.append(UInt8(ascii: "\\")); output.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// `text` as a JSON string literal.
    public static func quoted(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        appendQuoted(text.utf8, to: &output)
        return output
    }
}
