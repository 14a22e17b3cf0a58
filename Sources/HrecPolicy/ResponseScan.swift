/// What the gate needs from a BigQuery response (jobs.query, getQueryResults, tabledata.list,
/// jobs.insert/get), found in one validating pass over its bytes without building the rows:
/// the job reference, the result schema, where the rows are and how many, and the totals.
/// A body that is not well-formed JSON is an error, so callers that mask can fail closed.
public struct ResponseScan: Sendable, Equatable {
    /// `jobReference.jobId`.
    public var jobID: String?
    /// `schema`, or else `statistics.query.schema` (jobs.get), decoded; nil when absent or not a schema.
    public var schema: [SchemaField]?
    /// The byte range of the `rows` value (an array or null), nil when there is no `rows` member.
    public var rows: Range<Int>?
    /// How many rows `rows` holds; nil unless it is an array.
    public var rowCount: Int?
    /// `totalRows` (a string on the wire).
    public var totalRows: String?
    /// `totalBytesProcessed`, or else `statistics.totalBytesProcessed` (jobs.get).
    public var totalBytesProcessed: String?

    /// Scans `body`.
    /// - Throws: `MaskingError` when the body is not one well-formed JSON object, has a duplicate
    ///   top-level member, or has more than one `rows` array.
    public init(body: [UInt8]) throws(MaskingError) {
        var scan = ResponseScan()
        try body.withUnsafeBufferPointer { (input) throws(MaskingError) in
            var reader = JSONByteReader(bytes: input)
            reader.skipWhitespace()
            guard reader.peek == UInt8(ascii: "{") else { throw reader.error("the response is not a JSON object") }
            var seen: Set<String> = []
            var topSchema: [SchemaField]?
            var statistics: JSONNode?
            try reader.members(depth: 0) { (reader: inout JSONByteReader, key: Range<Int>, escaped: Bool) throws(MaskingError) in
                let name = JSONByteReader.decode(input, range: key, escaped: escaped)
                guard seen.insert(name).inserted else { throw reader.error("the member '\(name)' appears twice") }
                reader.skipWhitespace()
                switch name {
                case "rows":
                    let start = reader.position
                    scan.rowCount = try Self.countRows(&reader)
                    scan.rows = start..<reader.position
                case "schema":
                    topSchema = SchemaField.fields(fromSchema: try reader.readNode(depth: 1))
                case "jobReference":
                    scan.jobID = try reader.readNode(depth: 1)["jobId"]?.string
                case "statistics":
                    statistics = try reader.readNode(depth: 1)
                case "totalRows":
                    scan.totalRows = try reader.readNode(depth: 1).string
                case "totalBytesProcessed":
                    scan.totalBytesProcessed = try reader.readNode(depth: 1).string
                default:
                    try reader.validateValue(depth: 1)
                }
            }
            reader.skipWhitespace()
            guard reader.position == input.count else { throw reader.error("unexpected bytes after the response object") }
            scan.schema = topSchema ?? SchemaField.fields(fromSchema: statistics?["query"]?["schema"])
            if scan.totalBytesProcessed == nil { scan.totalBytesProcessed = statistics?["totalBytesProcessed"]?.string }
        }
        self = scan
    }

    private init() {}

    /// Validates `rows` (an array or null) and counts its elements without building them.
    private static func countRows(_ reader: inout JSONByteReader) throws(MaskingError) -> Int? {
        guard reader.peek == UInt8(ascii: "[") else {
            try reader.validateValue(depth: 1)
            return nil
        }
        var count = 0
        try reader.elements(depth: 1) { (reader: inout JSONByteReader) throws(MaskingError) in
            try reader.validateValue(depth: 2)
            count += 1
        }
        return count
    }
}
