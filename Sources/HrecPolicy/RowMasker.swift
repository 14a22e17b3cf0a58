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

    mutating func count(_ column: String, style: MaskingStyle, source: String) {
        if let index = columns.firstIndex(where: { $0.column == column && $0.source == source }) {
            columns[index].values += 1
        } else {
            columns.append(Column(column: column, style: style.rawValue, source: source, values: 1))
        }
    }
}

/// Masking could not be applied; the response must be refused, never passed raw.
public struct MaskingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public var description: String { "cannot mask the response (byte \(offset)): \(reason)" }
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
        var report = MaskingReport()
        var output: [UInt8] = []
        try body.withUnsafeBufferPointer { (input) throws(MaskingError) in
            var reader = JSONByteReader(bytes: input)
            guard let rows = try reader.topLevelValue(named: "rows") else { return }
            if plan.isEmpty { return }
            output.reserveCapacity(body.count + body.count / 8)
            output.append(contentsOf: input[0..<rows.lowerBound])
            var rowsReader = JSONByteReader(bytes: input, position: rows.lowerBound)
            var transform = Transform(plan: plan, values: values, input: input, output: output, report: report)
            output = []
            try transform.rows(&rowsReader, schema: schema)
            output = transform.output
            report = transform.report
            output.append(contentsOf: input[rows.upperBound...])
        }
        return (output.isEmpty ? body : output, report)
    }

    /// The walk over rows, copying untouched bytes and rendering masked ones.
    struct Transform {
        let plan: MaskingPlan
        let values: MaskedValue
        let input: UnsafeBufferPointer<UInt8>
        var output: [UInt8]
        var report: MaskingReport

        mutating func rows(_ reader: inout JSONByteReader, schema: [SchemaField]) throws(MaskingError) {
            copyWhitespace(&reader)
            if try reader.consumeNull() { output += Array("null".utf8); return }
            try expect(&reader, UInt8(ascii: "["))
            var first = true
            while true {
                copyWhitespace(&reader)
                if reader.peek == UInt8(ascii: "]") { reader.position += 1; output.append(UInt8(ascii: "]")); return }
                if !first { try expect(&reader, UInt8(ascii: ",")); copyWhitespace(&reader) }
                first = false
                try record(&reader, fields: schema, prefix: "")
                report.rows += 1
            }
        }

        /// `{"f":[cell, ...]}` with one cell per field.
        mutating func record(_ reader: inout JSONByteReader, fields: [SchemaField], prefix: String) throws(MaskingError) {
            try expect(&reader, UInt8(ascii: "{"))
            copyWhitespace(&reader)
            try expectKey(&reader, "f")
            try expect(&reader, UInt8(ascii: "["))
            for (index, field) in fields.enumerated() {
                copyWhitespace(&reader)
                if index > 0 { try expect(&reader, UInt8(ascii: ",")); copyWhitespace(&reader) }
                let path = prefix.isEmpty ? field.name : "\(prefix).\(field.name)"
                try cell(&reader, field: field, path: path, repeatedHandled: false)
            }
            copyWhitespace(&reader)
            guard reader.peek == UInt8(ascii: "]") else { throw reader.error("a row has more cells than its schema has fields") }
            try expect(&reader, UInt8(ascii: "]"))
            copyWhitespace(&reader)
            try expect(&reader, UInt8(ascii: "}"))
        }

        /// `{"v": value}`.
        mutating func cell(_ reader: inout JSONByteReader, field: SchemaField, path: String, repeatedHandled: Bool) throws(MaskingError) {
            try expect(&reader, UInt8(ascii: "{"))
            copyWhitespace(&reader)
            try expectKey(&reader, "v")
            copyWhitespace(&reader)
            if field.repeated && !repeatedHandled {
                if try reader.consumeNull() { output += Array("null".utf8) } else {
                    try expect(&reader, UInt8(ascii: "["))
                    var first = true
                    while true {
                        copyWhitespace(&reader)
                        if reader.peek == UInt8(ascii: "]") { reader.position += 1; output.append(UInt8(ascii: "]")); break }
                        if !first { try expect(&reader, UInt8(ascii: ",")); copyWhitespace(&reader) }
                        first = false
                        try cell(&reader, field: field, path: path, repeatedHandled: true)
                    }
                }
            } else if field.isRecord {
                if try reader.consumeNull() { output += Array("null".utf8) } else {
                    try record(&reader, fields: field.fields, prefix: path)
                }
            } else {
                try scalar(&reader, field: field, path: path)
            }
            copyWhitespace(&reader)
            try expect(&reader, UInt8(ascii: "}"))
        }

        mutating func scalar(_ reader: inout JSONByteReader, field: SchemaField, path: String) throws(MaskingError) {
            let start = reader.position
            if try reader.consumeNull() {
                output += Array("null".utf8)
                return
            }
            guard reader.peek == UInt8(ascii: "\"") else { throw reader.error("cell of \(path) is not a string or null") }
            let (range, escaped) = try reader.readString()
            if let style = plan.columns[path] {
                let text = JSONByteReader.decode(input, range: range, escaped: escaped)
                output += Array(values.render(text, style: style, type: field.type, label: path).utf8)
                report.count(path, style: style, source: "policy")
                return
            }
            if field.type == "STRING" && !plan.detectors.isEmpty {
                let text = JSONByteReader.decode(input, range: range, escaped: escaped)
                for rule in plan.detectors where ContentDetector.detects(rule.detector, in: text) {
                    output += Array(values.render(text, style: rule.style, type: field.type, label: rule.detector.rawValue).utf8)
                    report.count(path, style: rule.style, source: rule.detector.rawValue)
                    return
                }
            }
            output.append(contentsOf: input[start..<reader.position])
        }

        mutating func expect(_ reader: inout JSONByteReader, _ byte: UInt8) throws(MaskingError) {
            guard reader.peek == byte else { throw reader.error("expected '\(Character(Unicode.Scalar(byte)))'") }
            reader.position += 1
            output.append(byte)
        }

        mutating func expectKey(_ reader: inout JSONByteReader, _ key: String) throws(MaskingError) {
            let start = reader.position
            guard reader.peek == UInt8(ascii: "\"") else { throw reader.error("expected the key \"\(key)\"") }
            let (range, _) = try reader.readString()
            guard Array(input[range]) == Array(key.utf8) else { throw reader.error("expected the key \"\(key)\"") }
            reader.skipWhitespace()
            guard reader.peek == UInt8(ascii: ":") else { throw reader.error("expected ':'") }
            reader.position += 1
            output.append(contentsOf: input[start..<reader.position])
        }

        mutating func copyWhitespace(_ reader: inout JSONByteReader) {
            let start = reader.position
            reader.skipWhitespace()
            if reader.position > start { output.append(contentsOf: input[start..<reader.position]) }
        }
    }
}
