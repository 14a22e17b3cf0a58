import HrecPolicy

/// Any JSON value, for parts of requests the gate records verbatim (query parameters).
public indirect enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value of a parsed request member (numbers as `Double`, as a JSON decoder reads them).
    public init(_ node: JSONNode) {
        switch node {
        case .null: self = .null
        case let .bool(value): self = .bool(value)
        case let .number(text): self = .number(Double(text) ?? 0)
        case let .string(text): self = .string(text)
        case let .array(elements): self = .array(elements.map(JSONValue.init))
        case let .object(object): self = .object(object.members.mapValues(JSONValue.init))
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }
}
