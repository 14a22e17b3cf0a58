import Foundation

/// Encodes and decodes records inside a data frame.
///
/// Each record: kind (u8, `RecordKind`), time (LEB128 µs since session start), payload length
/// (LEB128), payload. Payloads: raw bytes for output/input, UTF-8 for markers, u16 columns +
/// u16 rows for resize, JSON for header/redaction/event/end. See docs/journal-format.md.
enum RecordCodec {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Appends the encoding of `record` to `out`.
    static func encode(_ record: Record, into out: inout [UInt8]) throws {
        var writer = ByteWriter()
        swap(&writer.bytes, &out)
        defer { swap(&writer.bytes, &out) }
        writer.u8(record.kind.rawValue)
        writer.varint(record.time)
        switch record.body {
        case let .output(bytes), let .input(bytes):
            writer.varint(UInt64(bytes.count))
            writer.append(bytes)
        case let .marker(label):
            let utf8 = Array(label.utf8)
            writer.varint(UInt64(utf8.count))
            writer.append(utf8)
        case let .resize(size):
            writer.varint(4)
            writer.u16(size.columns)
            writer.u16(size.rows)
        case let .event(event):
            writer.varint(UInt64(event.json.count))
            writer.append(event.json)
        case let .header(header):
            try writer.appendJSON(header)
        case let .redaction(redaction):
            try writer.appendJSON(redaction)
        case let .end(end):
            try writer.appendJSON(end)
        }
    }

    /// Decodes every record in a frame's decompressed content.
    /// - Throws: `RecordDecodingError` naming the record and what is wrong.
    static func decodeAll(_ content: [UInt8]) throws(RecordDecodingError) -> [Record] {
        var reader = ByteReader(content)
        var records: [Record] = []
        while !reader.isAtEnd {
            let start = reader.position
            guard let rawKind = reader.u8(), let time = reader.varint(), let length = reader.varint(),
                  length <= UInt64(reader.remaining), let payload = reader.take(Int(length)) else {
                throw RecordDecodingError(index: records.count, offset: start, reason: "record is cut short")
            }
            guard let kind = RecordKind(rawValue: rawKind) else {
                throw RecordDecodingError(index: records.count, offset: start, reason: "unknown record kind \(rawKind)")
            }
            do {
                records.append(Record(time: time, body: try body(kind: kind, payload: payload)))
            } catch {
                throw RecordDecodingError(index: records.count, offset: start, reason: "\(kind.name) record: \(error.reason)")
            }
        }
        return records
    }

    private static func body(kind: RecordKind, payload: ArraySlice<UInt8>) throws(PayloadError) -> Record.Body {
        switch kind {
        case .output: return .output(Array(payload))
        case .input: return .input(Array(payload))
        case .marker:
            guard let label = String(validating: payload, as: UTF8.self) else { throw PayloadError("label is not UTF-8") }
            return .marker(label)
        case .resize:
            var reader = ByteReader(Array(payload))
            guard payload.count == 4, let columns = reader.u16(), let rows = reader.u16() else {
                throw PayloadError("expected 4 bytes, found \(payload.count)")
            }
            return .resize(TerminalSize(columns: columns, rows: rows))
        case .event:
            let json = Array(payload)
            guard let object = (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any],
                  let type = object["type"] as? String else {
                throw PayloadError("not a JSON object with a string \"type\"")
            }
            return .event(JournalEvent(type: type, json: json))
        case .header: return .header(try decodeJSON(SessionHeader.self, payload))
        case .redaction: return .redaction(try decodeJSON(Redaction.self, payload))
        case .end: return .end(try decodeJSON(SessionEnd.self, payload))
        }
    }

    private static func decodeJSON<T: Decodable>(_ type: T.Type, _ payload: ArraySlice<UInt8>) throws(PayloadError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(payload))
        } catch let DecodingError.dataCorrupted(context) {
            throw PayloadError("invalid JSON: \(context.debugDescription)")
        } catch let DecodingError.keyNotFound(key, _) {
            throw PayloadError("missing \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context) {
            throw PayloadError("wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch {
            throw PayloadError("invalid JSON")
        }
    }

    fileprivate static func json<T: Encodable>(_ value: T) throws -> Data {
        try encoder.encode(value)
    }
}

/// A record inside a decompressed frame that cannot be decoded.
struct RecordDecodingError: Error {
    /// Position of the record within its frame.
    var index: Int
    /// Byte offset within the decompressed frame.
    var offset: Int
    var reason: String
}

struct PayloadError: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

extension ByteWriter {
    fileprivate mutating func appendJSON<T: Encodable>(_ value: T) throws {
        let data = try RecordCodec.json(value)
        varint(UInt64(data.count))
        append(data)
    }
}
