import Foundation

/// A field of a BigQuery schema (`{"name","type","mode","fields"}`), decoded at the edge.
public struct SchemaField: Sendable, Equatable {
    public var name: String
    /// Upper-cased BigQuery type: STRING, INTEGER/INT64, FLOAT/FLOAT64, NUMERIC, BIGNUMERIC,
    /// BOOLEAN/BOOL, BYTES, TIMESTAMP, DATE, TIME, DATETIME, GEOGRAPHY, JSON, RECORD/STRUCT, ...
    public var type: String
    public var repeated: Bool
    public var fields: [SchemaField]

    public init(name: String, type: String, repeated: Bool = false, fields: [SchemaField] = []) {
        self.name = name
        self.type = type.uppercased()
        self.repeated = repeated
        self.fields = fields
    }

    public var isRecord: Bool { type == "RECORD" || type == "STRUCT" }

    /// Decodes `schema.fields` from a parsed JSON object; nil when it is not a schema.
    public static func fields(fromSchema object: Any?) -> [SchemaField]? {
        guard let schema = object as? [String: Any], let list = schema["fields"] as? [[String: Any]] else { return nil }
        return decode(list)
    }

    static func decode(_ list: [[String: Any]]) -> [SchemaField]? {
        var result: [SchemaField] = []
        for item in list {
            guard let name = item["name"] as? String, let type = item["type"] as? String else { return nil }
            var field = SchemaField(name: name, type: type, repeated: (item["mode"] as? String)?.uppercased() == "REPEATED")
            if field.isRecord {
                guard let nested = item["fields"] as? [[String: Any]], let children = decode(nested) else { return nil }
                field.fields = children
            }
            result.append(field)
        }
        return result
    }
}
