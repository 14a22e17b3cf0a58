import HrecPolicy
import Testing

@Suite struct ResponseScanTests {
    /// One expected scan per body: (body, job, rows, totalRows, bytes, schema field names).
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var body: String
        var job: String?
        var rows: Int?
        var totalRows: String?
        var bytes: String?
        var schema: [String]?
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "jobs.query", body: #"{"kind":"bigquery#queryResponse","schema":{"fields":[{"name":"id","type":"INTEGER"},{"name":"email","type":"STRING"}]},"#
             + #""jobReference":{"projectId":"p","jobId":"job_1","location":"US"},"totalRows":"2","rows":[{"f":[{"v":"1"},{"v":"a"}]},"#
             + #"{"f":[{"v":"2"},{"v":null}]}],"totalBytesProcessed":"1024","jobComplete":true,"cacheHit":false}"#,
             job: "job_1", rows: 2, totalRows: "2", bytes: "1024", schema: ["id", "email"]),
        Case(name: "empty rows", body: #"{"rows":[],"totalRows":"0"}"#, rows: 0, totalRows: "0"),
        Case(name: "null rows", body: #"{"rows":null}"#),
        Case(name: "missing fields", body: #"{"kind":"bigquery#tableDataList"}"#),
        Case(name: "whitespace everywhere", body: " \n{ \"rows\" :\t[ { \"f\" : [ ] } , {\"f\":[]} ] ,\r\n\"totalRows\" : \"2\" }\n",
             rows: 2, totalRows: "2"),
        Case(name: "strings with escapes and braces", body: #"{"rows":[{"f":[{"v":"}]{[\"\\"}]},{"f":[{"v":"\u007b\n"}]}],"#
             + #""jobReference":{"jobId":"j\"1"},"totalRows":"a\/b"}"#, job: "j\"1", rows: 2, totalRows: "a/b"),
        Case(name: "nested objects and numbers", body: #"{"statistics":{"totalBytesProcessed":"77","query":{"schema":{"fields":[{"name":"r","type":"RECORD","#
             + #""mode":"REPEATED","fields":[{"name":"x","type":"FLOAT"}]}]},"n":[-0,1.5e10,2E-3,0.25,true,false,null]}},"status":{"state":"DONE"}}"#,
             bytes: "77", schema: ["r"]),
        Case(name: "top-level totals win over statistics", body: #"{"totalBytesProcessed":"5","statistics":{"totalBytesProcessed":"6"}}"#, bytes: "5"),
        Case(name: "numbers where strings are expected are not reported", body: #"{"totalRows":2,"totalBytesProcessed":3,"jobReference":{"jobId":4}}"#),
        Case(name: "a schema that is not one", body: #"{"schema":{"fields":[{"name":"a"}]},"rows":[]}"#, rows: 0),
    ]

    /// Strings are read eight bytes at a time where nothing needs a look: a quote, a backslash, a
    /// control character or a multi-byte character at any offset of any length is still found.
    @Test func aStringsEndEscapesAndControlCharactersAreFoundAtEveryOffset() throws {
        for length in 1...24 {
            for at in 0..<length {
                let head = String(repeating: "x", count: at), tail = String(repeating: "y", count: length - at - 1)
                for (special, decoded) in [(#"\""#, "\""), (#"\\"#, "\\"), (#"\u00e9"#, "é"), ("é", "é"), ("\u{7f}", "\u{7f}")] {
                    let body = Array(#"{"totalRows":"\#(head)\#(special)\#(tail)","rows":[]}"#.utf8)
                    #expect(try ResponseScan(body: body).totalRows == head + decoded + tail, "length \(length), at \(at)")
                }
                var raw = Array(#"{"totalRows":"\#(head)_\#(tail)"}"#.utf8)
                raw[14 + at] = 0x01
                #expect(throws: MaskingError.self, "a raw control character at \(at) of \(length)") { try ResponseScan(body: raw) }
            }
        }
    }

    @Test(arguments: cases)
    func scansWhatTheGateNeeds(_ expected: Case) throws {
        let scan = try ResponseScan(body: Array(expected.body.utf8))
        #expect(scan.jobID == expected.job)
        #expect(scan.rowCount == expected.rows)
        #expect(scan.totalRows == expected.totalRows)
        #expect(scan.totalBytesProcessed == expected.bytes)
        #expect(scan.schema?.map(\.name) == expected.schema)
        if let range = scan.rows {
            let text = String(decoding: Array(expected.body.utf8)[range], as: UTF8.self)
            #expect(text.hasPrefix("[") && text.hasSuffix("]") || text == "null", "rows range: \(text)")
        }
    }

    @Test func nestedSchemaIsDecodedWithModes() throws {
        let body = #"{"schema":{"fields":[{"name":"a","type":"record","mode":"repeated","fields":[{"name":"b","type":"string"}]}]}}"#
        let scan = try ResponseScan(body: Array(body.utf8))
        #expect(scan.schema == [SchemaField(name: "a", type: "RECORD", repeated: true, fields: [SchemaField(name: "b", type: "STRING")])])
    }

    @Test(arguments: [
        ("empty body", ""),
        ("not an object", #"["rows"]"#),
        ("truncated in a row", #"{"rows":[{"f":[{"v":"1"}"#),
        ("truncated in a string", #"{"rows":[],"totalRows":"12"#),
        ("truncated after a member", #"{"rows":[]"#),
        ("missing colon", #"{"rows" []}"#),
        ("trailing comma in an object", #"{"rows":[],}"#),
        ("trailing comma in an array", #"{"rows":[{"f":[]},]}"#),
        ("mismatched brackets", #"{"rows":[{"f":[}]}"#),
        ("bad escape", #"{"rows":[{"f":[{"v":"\x"}]}]}"#),
        ("short unicode escape", #"{"rows":[{"f":[{"v":"\u12"}]}]}"#),
        ("raw newline in a string", "{\"rows\":[{\"f\":[{\"v\":\"a\nb\"}]}]}"),
        ("bad literal", #"{"rows":[{"f":[{"v":nul}]}]}"#),
        ("bad number", #"{"n":01,"rows":[]}"#),
        ("number without digits", #"{"n":-,"rows":[]}"#),
        ("garbage after the object", #"{"rows":[]} {"rows":[{"f":[{"v":"raw"}]}]}"#),
        ("duplicate rows", #"{"rows":[],"rows":[{"f":[{"v":"raw"}]}]}"#),
        ("unquoted key", #"{rows:[]}"#),
        ("too deep", #"{"a":"# + String(repeating: "[", count: 300) + String(repeating: "]", count: 300) + "}"),
    ])
    func malformedBodiesAreErrors(name: String, body: String) {
        #expect(throws: MaskingError.self, "\(name)") { try ResponseScan(body: Array(body.utf8)) }
    }

    /// The masker given the scanned rows range masks exactly as the whole-body entry does.
    /// One walk (issue 18): the scan hands the rows to the masker when it reaches them, with
    /// what came before (schema, job, where the rows start); the result equals scanning, then
    /// masking the located rows, for every case the scanner knows.
    @Test(arguments: cases)
    func scanningAndMaskingInOneWalkEqualsTwoWalks(_ example: Case) throws {
        let body = Array(example.body.utf8)
        let schema = try ResponseScan(body: body).schema ?? [SchemaField(name: "id", type: "INTEGER"), SchemaField(name: "email", type: "STRING")]
        let policy = MaskingPolicy(columns: [.init(table: nil, column: "email", style: .emailMask)])
        let masker = RowMasker(plan: MaskingPlan(policy: policy, schema: schema, tables: []),
                               values: MaskedValue(hmacKey: Array("0123456789abcdef0123456789abcdef".utf8)))
        let scan = try ResponseScan(body: body)
        var seen: ResponseScan?
        let oneWalk = { () throws(MaskingError) -> MaskedScan in
            try ResponseScan.masking(body) { before in
                seen = before
                return .mask(masker, schema: schema)
            }
        }
        guard let rows = scan.rows else {
            let walked = try oneWalk()
            #expect(walked.scan == scan && seen == nil && walked.body == nil && walked.report == nil)
            return
        }
        guard let twoWalks = try? masker.mask(body, rows: rows, schema: schema) else {
            #expect(throws: MaskingError.self, "rows that do not fit the schema fail both ways") { try oneWalk() }
            return
        }
        let walked = try oneWalk()
        #expect(walked.scan == scan)
        let before = try #require(seen)
        #expect(before.rows == rows.lowerBound..<rows.lowerBound && before.rowCount == nil)
        #expect((walked.body ?? body) == twoWalks.body && walked.report == twoWalks.report)
    }

    @Test func oneWalkRefusesRowsThatDoNotFitAndWhatTheTreatmentRefuses() throws {
        let schema = [SchemaField(name: "email", type: "STRING")]
        let masker = RowMasker(plan: MaskingPlan(policy: MaskingPolicy(columns: [.init(table: nil, column: "email", style: .redact)]),
                                                 schema: schema, tables: []),
                               values: MaskedValue(hmacKey: nil))
        let twoCells = Array(#"{"schema":{"fields":[{"name":"email","type":"STRING"}]},"rows":[{"f":[{"v":"a@b.c"},{"v":"x"}]}]}"#.utf8)
        #expect(throws: MaskingError.self) { try ResponseScan.masking(twoCells) { _ in .mask(masker, schema: schema) } }
        // Left alone, the same rows are only validated: they pass as they are.
        #expect(try ResponseScan.masking(twoCells) { _ in .leave }.body == nil)
        let secondRows = Array(#"{"rows":[{"f":[{"v":"a@b.c"}]}],"rows":[{"f":[{"v":"raw@b.c"}]}]}"#.utf8)
        #expect(throws: MaskingError.self) { try ResponseScan.masking(secondRows) { _ in .mask(masker, schema: schema) } }
        let refused = MaskingError(offset: 0, reason: "no")
        #expect(throws: refused) { try ResponseScan.masking(twoCells) { _ throws(MaskingError) in throw refused } }
    }

    @Test func maskingTheScannedRowsMatchesMaskingTheBody() throws {
        let schema = [SchemaField(name: "id", type: "INTEGER"), SchemaField(name: "email", type: "STRING")]
        let policy = MaskingPolicy(columns: [.init(table: nil, column: "email", style: .emailMask)])
        let masker = RowMasker(plan: MaskingPlan(policy: policy, schema: schema, tables: []),
                               values: MaskedValue(hmacKey: Array("0123456789abcdef0123456789abcdef".utf8)))
        let body = Array(#"{"schema":{"fields":[]},"rows":[{"f":[{"v":"1"},{"v":"ada@example.com"}]}],"totalRows":"1"}"#.utf8)
        let scan = try ResponseScan(body: body)
        let viaScan = try masker.mask(body, rows: try #require(scan.rows), schema: schema)
        let whole = try masker.mask(body, schema: schema)
        #expect(viaScan.body == whole.body && viaScan.report == whole.report)
        #expect(String(decoding: viaScan.body, as: UTF8.self) == #"{"schema":{"fields":[]},"rows":[{"f":[{"v":"1"},{"v":"XXXXX@example.com"}]}],"totalRows":"1"}"#)
        #expect(viaScan.report.rows == 1)
        #expect(throws: MaskingError.self) { try masker.mask(body, rows: 0..<body.count + 1, schema: schema) }
        // Pretty-printed JSON (space after every colon) masks the same.
        let spaced = Array(#"{"rows": [{"f": [{"v": "1"}, {"v": "ada@example.com"}]}]}"#.utf8)
        let masked = try masker.mask(spaced, rows: try #require(try ResponseScan(body: spaced).rows), schema: schema)
        #expect(String(decoding: masked.body, as: UTF8.self) == #"{"rows": [{"f": [{"v": "1"}, {"v": "XXXXX@example.com"}]}]}"#)
    }
}
