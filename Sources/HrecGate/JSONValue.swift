import Foundation
import HrecPolicy

/// Any JSON value, for parts of requests the gate records verbatim (query parameters).
public indirect enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as the JSON text the client sent, so the record holds exactly that value.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value of a parsed request member (numbers as their JSON text).
    public init(_ node: JSONNode) {
        switch node {
        case .null: self = .null
        case let .bool(value): self = .bool(value)
        case let .number(text): self = .number(text)
        case let .string(text): self = .string(text)
        case let .array(elements): self = .array(elements.map(JSONValue.init))
        case let .object(object): self = .object(object.members.mapValues(JSONValue.init))
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Decimal.self) { self = .number(value.description) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .number(text):
            // Written as a `Decimal`, which holds up to 38 significant digits exactly; a number it
            // cannot hold exactly is not rounded into the record: encoding fails (and the gate
            // refuses the call, see `gate.unrecordable`).
            guard let value = Self.exactDecimal(text) else {
                throw EncodingError.invalidValue(text, .init(codingPath: encoder.codingPath,
                                                             debugDescription: "the number \(text) cannot be recorded exactly"))
            }
            try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    /// `text` (a JSON number) as a `Decimal` that holds exactly its value, or nil when none
    /// does: more than 38 significant digits, or an exponent outside Decimal's range.
    static func exactDecimal(_ text: String) -> Decimal? {
        let bytes = Array(text.utf8)
        var index = bytes.first == UInt8(ascii: "-") ? 1 : 0
        var digits: [UInt8] = []
        var fractionDigits = 0
        var inFraction = false
        while index < bytes.count, bytes[index] != UInt8(ascii: "e"), bytes[index] != UInt8(ascii: "E") {
            if bytes[index] == UInt8(ascii: ".") { inFraction = true } else {
                digits.append(bytes[index])
                if inFraction { fractionDigits += 1 }
            }
            index += 1
        }
        var exponent = 0
        if index < bytes.count {
            guard let written = Int(String(decoding: bytes[(index + 1)...], as: UTF8.self)), abs(written) < 10_000 else { return nil }
            exponent = written
        }
        let significant = digits.drop { $0 == UInt8(ascii: "0") }
        let trailingZeros = significant.reversed().prefix { $0 == UInt8(ascii: "0") }.count
        let mantissaDigits = significant.count - trailingZeros
        let scale = exponent - fractionDigits + trailingZeros
        guard mantissaDigits <= 38, mantissaDigits == 0 || (-128...127).contains(scale) else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}
