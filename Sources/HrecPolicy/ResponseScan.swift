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
        self = try Self.scan(body, rows: { _ in .leave }).scan
    }

    /// Scans `body` and masks its rows in the same walk: `treatment` is asked, with the scan of
    /// everything before the rows (schema, job; `rows` an empty range where they start), what to
    /// do with them. Masked rows are validated by the masker as it goes; the rest of the body by
    /// the scan.
    /// - Throws: `MaskingError` as `init(body:)`, when the rows do not fit the schema they are
    ///   masked by, or what `treatment` throws.
    public static func masking(_ body: [UInt8], rows treatment: (ResponseScan) throws(MaskingError) -> RowTreatment)
        throws(MaskingError) -> MaskedScan {
        try scan(body, rows: treatment)
    }

    private static func scan(_ body: [UInt8], rows treatment: (ResponseScan) throws(MaskingError) -> RowTreatment)
        throws(MaskingError) -> MaskedScan {
        var scan = ResponseScan()
        var masked: [UInt8]?
        var report: MaskingReport?
        try body.withUnsafeBufferPointer { (input) throws(MaskingError) in
            var reader = JSONByteReader(bytes: input)
            reader.skipWhitespace()
            guard reader.peek == UInt8(ascii: "{") else { throw reader.error("the response is not a JSON object") }
            var seen: Set<String> = []
            var topSchema: [SchemaField]?
            var statistics: JSONNode?
            var transform: RowMasker.Transform?
            try reader.members(depth: 0) { (reader: inout JSONByteReader, key: Range<Int>, escaped: Bool) throws(MaskingError) in
                let name = JSONByteReader.decode(input, range: key, escaped: escaped)
                guard seen.insert(name).inserted else { throw reader.error("the member '\(name)' appears twice") }
                reader.skipWhitespace()
                switch name {
                case "rows":
                    let start = reader.position
                    var before = scan
                    before.rows = start..<start
                    before.schema = topSchema ?? SchemaField.fields(fromSchema: statistics?["query"]?["schema"])
                    if case let .mask(masker, schema) = try treatment(before), !masker.plan.isEmpty {
                        var walk = masker.walk(over: input, schema: schema)
                        let isArray = reader.peek == UInt8(ascii: "[")
                        try walk.rows(&reader)
                        scan.rowCount = isArray ? walk.rowCount : nil
                        transform = walk
                    } else {
                        scan.rowCount = try Self.countRows(&reader)
                    }
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
            if let walk = transform.take() {  // taken, so the output is not copied when the walk appends the rest
                (masked, report) = walk.finish()
            }
        }
        return MaskedScan(scan: scan, body: masked, report: report)
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

/// What to do with a response's rows, decided when the scan reaches them (`ResponseScan.masking`).
public enum RowTreatment: Sendable {
    /// Validate them and leave them as they are (nothing to mask, or not decided here).
    case leave
    /// Mask them with `masker`, by `schema`, as they are walked.
    case mask(RowMasker, schema: [SchemaField])
}

/// A body scanned with its rows masked in the same walk.
public struct MaskedScan: Sendable {
    public var scan: ResponseScan
    /// The masked body; nil when nothing was replaced (the body stands as it is).
    public var body: [UInt8]?
    /// What masking did; nil when the rows were not masked in the walk.
    public var report: MaskingReport?
}
