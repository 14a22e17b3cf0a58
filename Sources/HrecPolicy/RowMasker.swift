/// What masking did to one response: per column, the style and how many values; per detector,
/// how many values it caught. Never the values.
public struct MaskingReport: Sendable, Equatable, Codable {
    public struct Column: Sendable, Equatable, Codable {
        public var column: String
        public var style: String
        /// `policy` (a column rule) or the detector's name.
        public var source: String
        public var values: Int
    }

    public var rows = 0
    public var columns: [Column] = []

    public init() {}

    mutating func count(_ column: String, style: MaskingStyle, source: String, values: Int = 1) {
        if let index = columns.firstIndex(where: { $0.column == column && $0.source == source }) {
            columns[index].values += values
        } else {
            columns.append(Column(column: column, style: style.rawValue, source: source, values: values))
        }
    }

    /// Adds what another part of the same body's masking counted (a streamed body is masked
    /// a run of rows at a time).
    public mutating func merge(_ other: MaskingReport) {
        rows += other.rows
        for column in other.columns {
            if let index = columns.firstIndex(where: { $0.column == column.column && $0.source == column.source }) {
                columns[index].values += column.values
            } else {
                columns.append(column)
            }
        }
    }

    /// The columns as `masking.applied` records them.
    public var columnSummaries: [[String: String]] {
        columns.map { ["column": $0.column, "style": $0.style, "source": $0.source, "values": String($0.values)] }
    }
}

/// Masking could not be applied; the response must be refused, never passed raw.
public struct MaskingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public var description: String { "cannot mask the response (byte \(offset)): \(reason)" }

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }
}

/// Masks the `rows` of a BigQuery response (`{"f":[{"v":...}]}`, RECORD and REPEATED at any
/// depth) in one streaming pass over the bytes: everything else is copied unchanged. The one
/// place that knows the rows wire format. No row cap.
public struct RowMasker: Sendable {
    public let plan: MaskingPlan
    public let values: MaskedValue

    public init(plan: MaskingPlan, values: MaskedValue) {
        self.plan = plan
        self.values = values
    }

    /// The masked body and what was masked.
    /// - Throws: `MaskingError` when the body is not a JSON object or its rows do not fit `schema`.
    public func mask(_ body: [UInt8], schema: [SchemaField]) throws(MaskingError) -> (body: [UInt8], report: MaskingReport) {
        let rows = try body.withUnsafeBufferPointer { (input) throws(MaskingError) in
            var reader = JSONByteReader(bytes: input)
            return try reader.topLevelValue(named: "rows")
        }
        guard let rows else { return (body, MaskingReport()) }
        return try mask(body, rows: rows, schema: schema)
    }

    /// The masked body and what was masked, with the rows already located (`ResponseScan.rows`):
    /// one walk over the rows' bytes, everything before and after them copied.
    /// - Throws: `MaskingError` when the rows do not fit `schema`.
    public func mask(_ body: [UInt8], rows: Range<Int>, schema: [SchemaField]) throws(MaskingError) -> (body: [UInt8], report: MaskingReport) {
        guard rows.lowerBound >= 0, rows.upperBound <= body.count else { throw MaskingError(offset: rows.lowerBound, reason: "rows out of bounds") }
        if plan.isEmpty { return (body, MaskingReport()) }
        return try body.withUnsafeBufferPointer { (input) throws(MaskingError) in
            var transform = walk(over: input, schema: schema)
            var rowsReader = JSONByteReader(bytes: input, position: rows.lowerBound)
            try transform.rows(&rowsReader)
            guard rowsReader.position == rows.upperBound else { throw rowsReader.error("unexpected bytes after the rows") }
            let (masked, report) = (consume transform).finish()  // moved: its output is not copied when the rest is appended
            return (masked ?? body, report)
        }
    }

    /// A walk over the rows in `input`, by `schema`.
    func walk(over input: UnsafeBufferPointer<UInt8>, schema: [SchemaField]) -> Transform {
        Transform(plan: plan, values: values, input: input, fields: CompiledField.compile(schema, plan: plan))
    }

    /// A schema field with what the walk needs precomputed: its path and style.
    final class CompiledField {
        let name: String
        let type: String
        let path: String
        let repeated: Bool
        let isRecord: Bool
        let isString: Bool
        let style: MaskingStyle?
        /// `"[REDACTED:<path>]"`, JSON-quoted, for the redact style.
        let redaction: [UInt8]
        let children: [CompiledField]
        /// Index of this field in the per-field counters.
        let index: Int

        init(_ field: SchemaField, path: String, plan: MaskingPlan, counter: inout Int) {
            name = field.name
            type = field.type
            self.path = path
            repeated = field.repeated
            isRecord = field.isRecord
            isString = field.type == "STRING"
            style = plan.columns[path]
            redaction = Array(MaskedValue.quoted("[REDACTED:\(path)]").utf8)
            index = counter
            counter += 1
            children = field.fields.map { CompiledField($0, path: "\(path).\($0.name)", plan: plan, counter: &counter) }
        }

        static func compile(_ schema: [SchemaField], plan: MaskingPlan) -> [CompiledField] {
            var counter = 0
            return schema.map { CompiledField($0, path: $0.name, plan: plan, counter: &counter) }
        }
    }

    /// The walk over rows. It checks every byte of them but copies nothing until a value is
    /// replaced: the output is the input's spans between replaced values, with their renderings.
    struct Transform {
        let plan: MaskingPlan
        let values: MaskedValue
        let input: UnsafeBufferPointer<UInt8>
        let fields: [CompiledField]
        var output: [UInt8] = []
        /// The input before this offset is in `output`.
        var copied = 0
        /// Whether any value was replaced (else the input stands as it is).
        var replaced = false
        var rowCount = 0
        /// (field index, source) -> values masked, and the field per index for the report.
        var counters: [Int] = []
        var byIndex: [Int: CompiledField] = [:]
        /// `"[REDACTED:<detector>]"` per detector, JSON-quoted.
        let detectorLabels: [[UInt8]]

        init(plan: MaskingPlan, values: MaskedValue, input: UnsafeBufferPointer<UInt8>, fields: [CompiledField]) {
            self.plan = plan
            self.values = values
            self.input = input
            self.fields = fields
            detectorLabels = plan.detectors.map { Array(MaskedValue.quoted("[REDACTED:\($0.detector.rawValue)]").utf8) }
        }

        func report() -> MaskingReport {
            var report = MaskingReport()
            report.rows = rowCount
            for (key, values) in counters.enumerated() where values > 0 {
                let field = byIndex[key / 16]!
                let source = key % 16
                let (style, name) = source == 0 ? (field.style ?? .redact, "policy")
                    : (plan.detectors[source - 1].style, plan.detectors[source - 1].detector.rawValue)
                report.columns.append(.init(column: field.path, style: style.rawValue, source: name, values: values))
            }
            return report
        }

        /// The masked body (the rest of the input copied after the last replaced value), nil when
        /// nothing was replaced and the input stands as it is; and what was masked.
        consuming func finish() -> (body: [UInt8]?, report: MaskingReport) {
            let report = report()
            guard replaced else { return (nil, report) }
            copy(upTo: input.count)
            return (output, report)
        }

        /// Copies the input from `copied` up to `offset` into the output.
        @inline(__always)
        mutating func copy(upTo offset: Int) {
            if !replaced {
                replaced = true
                output.reserveCapacity(input.count + input.count / 8)
            }
            if offset > copied { output.append(contentsOf: UnsafeBufferPointer(rebasing: input[copied..<offset])) }
            copied = offset
        }

        mutating func rows(_ reader: inout JSONByteReader) throws(MaskingError) {
            reader.skipWhitespace()
            if try reader.consumeNull() { return }
            try expect(&reader, UInt8(ascii: "["))
            var first = true
            while true {
                reader.skipWhitespace()
                if reader.peek == UInt8(ascii: "]") { reader.position += 1; return }
                if !first { try expect(&reader, UInt8(ascii: ",")); reader.skipWhitespace() }
                first = false
                try record(&reader, fields: fields)
                rowCount += 1
            }
        }

        /// `{"f":[cell, ...]}` with one cell per field.
        mutating func record(_ reader: inout JSONByteReader, fields: [CompiledField]) throws(MaskingError) {
            try expect(&reader, UInt8(ascii: "{"))
            reader.skipWhitespace()
            try expectKey(&reader, UInt8(ascii: "f"))
            try expect(&reader, UInt8(ascii: "["))
            for (index, field) in fields.enumerated() {
                reader.skipWhitespace()
                if index > 0 { try expect(&reader, UInt8(ascii: ",")); reader.skipWhitespace() }
                try cell(&reader, field: field, element: false)
            }
            reader.skipWhitespace()
            guard reader.peek == UInt8(ascii: "]") else { throw reader.error("a row has more cells than its schema has fields") }
            try expect(&reader, UInt8(ascii: "]"))
            reader.skipWhitespace()
            try expect(&reader, UInt8(ascii: "}"))
        }

        /// `{"v": value}`; `element` for the items of a REPEATED field.
        mutating func cell(_ reader: inout JSONByteReader, field: CompiledField, element: Bool) throws(MaskingError) {
            try expect(&reader, UInt8(ascii: "{"))
            reader.skipWhitespace()
            try expectKey(&reader, UInt8(ascii: "v"))
            if field.repeated && !element {
                if try !reader.consumeNull() {
                    try expect(&reader, UInt8(ascii: "["))
                    var first = true
                    while true {
                        reader.skipWhitespace()
                        if reader.peek == UInt8(ascii: "]") { reader.position += 1; break }
                        if !first { try expect(&reader, UInt8(ascii: ",")); reader.skipWhitespace() }
                        first = false
                        try cell(&reader, field: field, element: true)
                    }
                }
            } else if field.isRecord {
                if try !reader.consumeNull() { try record(&reader, fields: field.children) }
            } else {
                try scalar(&reader, field: field)
            }
            reader.skipWhitespace()
            try expect(&reader, UInt8(ascii: "}"))
        }

        mutating func scalar(_ reader: inout JSONByteReader, field: CompiledField) throws(MaskingError) {
            let start = reader.position
            if try reader.consumeNull() { return }
            guard reader.peek == UInt8(ascii: "\"") else { throw reader.error("cell of \(field.path) is not a string or null") }
            let (range, escaped) = try reader.readString()
            if let style = field.style {
                copy(upTo: start)
                if !(field.isString && !escaped && renderFast(style, range: range, label: field.redaction)) {
                    let text = JSONByteReader.decode(input, range: range, escaped: escaped)
                    append(values.render(text, style: style, type: field.type, label: field.path))
                }
                copied = reader.position
                count(field, source: 0)
                return
            }
            if field.isString && !plan.detectors.isEmpty {
                let content = UnsafeBufferPointer(rebasing: input[range])
                for (index, rule) in plan.detectors.enumerated() where ContentDetector.detects(rule.detector, in: content) {
                    copy(upTo: start)
                    if escaped || !renderFast(rule.style, range: range, label: detectorLabels[index]) {
                        let text = JSONByteReader.decode(input, range: range, escaped: escaped)
                        append(values.render(text, style: rule.style, type: field.type, label: rule.detector.rawValue))
                    }
                    copied = reader.position
                    count(field, source: index + 1)
                    return
                }
            }
        }

        mutating func count(_ field: CompiledField, source: Int) {
            let key = field.index * 16 + source
            if key >= counters.count { counters += Array(repeating: 0, count: key + 1 - counters.count) }
            if counters[key] == 0 { byIndex[field.index] = field }
            counters[key] += 1
        }

        /// Masks an escape-free STRING value straight from its bytes for the styles that only
        /// cut or replace characters; false when the general path is needed (non-ASCII, hashes...).
        @inline(__always)
        mutating func renderFast(_ style: MaskingStyle, range: Range<Int>, label: [UInt8]) -> Bool {
            let content = UnsafeBufferPointer(rebasing: input[range])
            switch style {
            case .null:
                append("null")
            case .redact:
                output.append(contentsOf: label)
            case .lastFour, .firstFour:
                guard !content.contains(where: { $0 >= 0x80 }) else { return false }
                let keep = min(4, content.count)
                output.append(UInt8(ascii: "\""))
                if style == .firstFour { output.append(contentsOf: content.prefix(keep)) }
                output.append(contentsOf: repeatElement(UInt8(ascii: "X"), count: content.count - keep))
                if style == .lastFour { output.append(contentsOf: content.suffix(keep)) }
                output.append(UInt8(ascii: "\""))
            case .emailMask:
                output.append(UInt8(ascii: "\""))
                output.append(contentsOf: repeatElement(UInt8(ascii: "X"), count: 5))
                if let at = content.lastIndex(of: UInt8(ascii: "@")) { output.append(contentsOf: UnsafeBufferPointer(rebasing: content[at...])) }
                output.append(UInt8(ascii: "\""))
            default:
                return false
            }
            return true
        }

        mutating func append(_ text: String) {
            var text = text
            text.withUTF8 { output.append(contentsOf: $0) }
        }

        @inline(__always)
        func expect(_ reader: inout JSONByteReader, _ byte: UInt8) throws(MaskingError) {
            guard reader.position < input.count, input[reader.position] == byte else {
                throw reader.error("expected '\(Character(Unicode.Scalar(byte)))'")
            }
            reader.position += 1
        }

        /// `"f":` or `"v":` (one-letter keys, compared in place), and the whitespace after it.
        @inline(__always)
        func expectKey(_ reader: inout JSONByteReader, _ key: UInt8) throws(MaskingError) {
            let p = reader.position
            guard p + 3 < input.count, input[p] == UInt8(ascii: "\""), input[p + 1] == key, input[p + 2] == UInt8(ascii: "\"") else {
                throw reader.error("expected the key \"\(Character(Unicode.Scalar(key)))\"")
            }
            reader.position = p + 3
            reader.skipWhitespace()
            guard reader.peek == UInt8(ascii: ":") else { throw reader.error("expected ':'") }
            reader.position += 1
            reader.skipWhitespace()
        }
    }
}
