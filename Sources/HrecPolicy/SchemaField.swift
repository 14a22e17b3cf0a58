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

    /// Decodes `schema.fields` from a scanned value (`ResponseScan`); nil when it is not a
    /// schema: a field without a string name or type, or a RECORD without its fields.
    static func fields(fromSchema value: JSONNode?) -> [SchemaField]? {
        guard case let .array(list)? = value?["fields"] else { return nil }
        var result: [SchemaField] = []
        for item in list {
            guard case .object = item, let name = item["name"]?.string, let type = item["type"]?.string else { return nil }
            var field = SchemaField(name: name, type: type, repeated: item["mode"]?.string?.uppercased() == "REPEATED")
            if field.isRecord {
                guard let children = fields(fromSchema: item) else { return nil }
                field.fields = children
            }
            result.append(field)
        }
        return result
    }
}
