import Foundation

/// A structured event: a JSON object whose `"type"` names its schema (see docs/journal-format.md).
///
/// The bytes are kept exactly as produced, so the journal holds what the producer encoded.
public struct JournalEvent: Sendable, Equatable {
    /// Schema name, e.g. `gate.request`, `policy.decision`, `approval.granted`.
    public var type: String
    /// UTF-8 JSON object, including the `"type"` member.
    public var json: [UInt8]

    /// Wraps already-encoded JSON. `json` must be an object with a string member `"type"`.
    public init(type: String, json: [UInt8]) {
        self.type = type
        self.json = json
    }

    /// Encodes `payload` as a JSON object and adds `"type": type` to it.
    /// - Throws: `JournalError.invalidEvent` if `payload` does not encode to a JSON object.
    public init<Payload: Encodable>(type: String, payload: Payload) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // One pass: the payload's members and "type" go into the same JSON object.
        let data = try encoder.encode(TypedPayload(type: type, payload: payload))
        guard data.first == UInt8(ascii: "{") else {
            throw JournalError.invalidEvent("event '\(type)' payload is not a JSON object")
        }
        self.type = type
        self.json = [UInt8](data)
    }

    /// Decodes the event body as `T` (extra members such as `type` are ignored by Codable).
    public func decode<T: Decodable>(_: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(T.self, from: Data(json))
    }

    /// The event as an untyped JSON object, for generic display (`hrec cat`, exports).
    public var object: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(json))) as? [String: Any]
    }
}

/// Encodes a payload's members and a `type` member into one keyed container.
private struct TypedPayload<Payload: Encodable>: Encodable {
    let type: String
    let payload: Payload

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue _: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        try payload.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(type, forKey: Key(stringValue: "type"))
    }
}
