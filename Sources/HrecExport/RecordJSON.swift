import Foundation
import HrecJournal

/// The JSON-lines rendering of records shared by `hrec cat` and `hrec export --format jsonl`.
public enum RecordJSON {
    /// The JSON object for `record`, numbered `number` (0 is the header).
    public static func object(_ record: Record, number: Int) -> [String: Any] {
        var object: [String: Any] = ["n": number, "t": Double(record.time) / 1_000_000, "kind": record.kind.name]
        switch record.body {
        case let .output(bytes), let .input(bytes):
            object["data"] = Data(bytes).base64EncodedString()
            object["text"] = preview(bytes)
            object["length"] = bytes.count
        case let .resize(size):
            object["columns"] = size.columns
            object["rows"] = size.rows
        case let .marker(label):
            object["label"] = label
        case let .redaction(redaction):
            object["stream"] = redaction.stream
            object["reason"] = redaction.reason
            object["length"] = redaction.length
        case let .event(event):
            object["event"] = event.object ?? [:]
        case let .header(header):
            object["header"] = jsonObject(header)
        case let .end(end):
            object["end"] = jsonObject(end)
        }
        return object
    }

    /// `object(_:number:)` serialised with sorted keys, without a newline.
    public static func line(_ record: Record, number: Int) -> Data {
        (try? JSONSerialization.data(withJSONObject: object(record, number: number),
                                     options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
    }

    private static func jsonObject<T: Encodable>(_ value: T) -> Any {
        let encoder = JSONEncoder()
        guard let data = try? encoder.encode(value) else { return [:] }
        return (try? JSONSerialization.jsonObject(with: data)) ?? [:]
    }

    /// Printable preview: valid UTF-8 kept, control characters and invalid bytes escaped.
    public static func preview(_ bytes: [UInt8]) -> String {
        var text = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0a { text += "\\n"; index += 1; continue }
            if byte == 0x0d { text += "\\r"; index += 1; continue }
            if byte == 0x1b { text += "\\e"; index += 1; continue }
            if byte < 0x20 || byte == 0x7f { text += String(format: "\\x%02x", byte); index += 1; continue }
            if byte < 0x80 { text.unicodeScalars.append(Unicode.Scalar(byte)); index += 1; continue }
            let length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
            if length > 1, index + length <= bytes.count,
               let scalar = String(validating: bytes[index..<index + length], as: UTF8.self) {
                text += scalar
                index += length
            } else {
                text += String(format: "\\x%02x", byte)
                index += 1
            }
        }
        return text
    }
}
