import Crypto
import Foundation

/// Renders the masked replacement of one cell value as JSON (the `v` of a cell), valid for the
/// column's BigQuery type so clients still parse it: string-only styles fall back to the type's
/// default value on other types.
public struct MaskedValue: Sendable {
    let hmacKey: SymmetricKey?

    public init(hmacKey: [UInt8]?) {
        self.hmacKey = hmacKey.map { SymmetricKey(data: $0) }
    }

    /// The JSON for `value` (decoded cell text, nil for null) masked with `style`.
    public func render(_ value: String?, style: MaskingStyle, type: String, label: String) -> String {
        guard let value else { return "null" }
        let isString = type == "STRING"
        switch style {
        case .null:
            return "null"
        case .defaultValue:
            return Self.quoted(Self.defaultValue(type))
        case .sha256 where isString:
            return Self.quoted(Hex.of(Array(SHA256.hash(data: Data(value.utf8)))))
        case .hmacToken where isString:
            guard let hmacKey else { return Self.quoted("[REDACTED:\(label)]") }
            let mac = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: hmacKey)
            return Self.quoted("tok_" + Hex.of(Array(mac)).prefix(32))
        case .lastFour where isString:
            let characters = Array(value)
            return Self.quoted(String(repeating: "X", count: max(0, characters.count - 4)) + String(characters.suffix(4)))
        case .firstFour where isString:
            let characters = Array(value)
            return Self.quoted(String(characters.prefix(4)) + String(repeating: "X", count: max(0, characters.count - 4)))
        case .emailMask where isString:
            if let at = value.lastIndex(of: "@") { return Self.quoted("XXXXX" + value[at...]) }
            return Self.quoted("XXXXX")
        case .redact where isString:
            return Self.quoted("[REDACTED:\(label)]")
        case .dateYear:
            return Self.quoted(Self.yearStart(value, type: type) ?? Self.defaultValue(type))
        default:
            return Self.quoted(Self.defaultValue(type))
        }
    }

    /// The type's default value, as BigQuery's "default masking value" rule.
    static func defaultValue(_ type: String) -> String {
        switch type {
        case "STRING", "BYTES": return ""
        case "INTEGER", "INT64", "NUMERIC", "BIGNUMERIC", "FLOAT", "FLOAT64", "TIMESTAMP": return "0"
        case "BOOLEAN", "BOOL": return "false"
        case "DATE": return "1970-01-01"
        case "DATETIME": return "1970-01-01T00:00:00"
        case "TIME": return "00:00:00"
        case "GEOGRAPHY": return "POINT(0 0)"
        case "JSON": return "null"
        case "INTERVAL": return "0-0 0 0:0:0"
        default: return ""
        }
    }

    /// January 1 of the value's year, in the same wire form.
    static func yearStart(_ value: String, type: String) -> String? {
        switch type {
        case "DATE" where value.count >= 4: return value.prefix(4) + "-01-01"
        case "DATETIME" where value.count >= 4: return value.prefix(4) + "-01-01T00:00:00"
        case "TIMESTAMP":
            // Wire forms: integer microseconds (useInt64Timestamp) or float seconds ("1.7E9").
            let isMicros = !value.contains(".") && !value.uppercased().contains("E")
            guard let number = Double(value) else { return nil }
            let seconds = isMicros ? number / 1_000_000 : number
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let year = calendar.component(.year, from: Date(timeIntervalSince1970: seconds))
            guard let start = calendar.date(from: DateComponents(year: year, month: 1, day: 1)) else { return nil }
            let startSeconds = Int64(start.timeIntervalSince1970)
            return isMicros ? String(startSeconds * 1_000_000) : String(format: "%.1E", Double(startSeconds))
        default: return nil
        }
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

enum Hex {
    static func of(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
