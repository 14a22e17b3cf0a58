import Foundation
import HrecPolicy
import Testing

@Suite struct MaskingTests {
    let values = MaskedValue(hmacKey: Array("0123456789abcdef0123456789abcdef".utf8))

    static let types = ["STRING", "BYTES", "INTEGER", "INT64", "FLOAT", "FLOAT64", "NUMERIC", "BIGNUMERIC", "BOOLEAN", "BOOL",
                        "TIMESTAMP", "DATE", "TIME", "DATETIME", "GEOGRAPHY", "JSON", "INTERVAL"]
    static let samples: [String: String] = [
        "STRING": "ada@example.com", "BYTES": "aGVsbG8=", "INTEGER": "42", "INT64": "42", "FLOAT": "1.5", "FLOAT64": "1.5",
        "NUMERIC": "12.34", "BIGNUMERIC": "12.34", "BOOLEAN": "true", "BOOL": "true", "TIMESTAMP": "1709528767000000",
        "DATE": "2024-03-04", "TIME": "05:06:07", "DATETIME": "2024-03-04T05:06:07", "GEOGRAPHY": "POINT(1 2)",
        "JSON": "{\"a\":1}", "INTERVAL": "1-2 3 4:5:6",
    ]

    /// Every style on every type yields a value that no longer holds the raw one and that a
    /// client can still parse for the column's type.
    @Test(arguments: MaskingStyle.allCases)
    func everyStyleOnEveryType(style: MaskingStyle) throws {
        for type in Self.types {
            let raw = Self.samples[type]!
            let rendered = values.render(raw, style: style, type: type, label: "col")
            if style == .null { #expect(rendered == "null"); continue }
            let decoded = try #require(try JSONSerialization.jsonObject(with: Data(rendered.utf8), options: .fragmentsAllowed) as? String,
                                       "\(style) on \(type): \(rendered)")
            if !(style == .dateYear && type == "DATE") && !(style == .defaultValue) {
                #expect(decoded != raw || raw.isEmpty, "\(style) on \(type) kept the raw value")
            }
            switch type {
            case "INTEGER", "INT64", "TIMESTAMP": #expect(Int64(decoded) != nil, "\(style) on \(type): \(decoded)")
            case "FLOAT", "FLOAT64", "NUMERIC", "BIGNUMERIC": #expect(Double(decoded) != nil, "\(style) on \(type): \(decoded)")
            case "BOOLEAN", "BOOL": #expect(decoded == "false")
            case "DATE": #expect(decoded.count == 10 && decoded.hasSuffix("-01-01") || decoded == "1970-01-01")
            default: break
            }
        }
    }

    @Test func stringStylesDoWhatTheirNamesSay() {
        #expect(values.render("4111111111111111", style: .lastFour, type: "STRING", label: "c") == "\"XXXXXXXXXXXX1111\"")
        #expect(values.render("4111111111111111", style: .firstFour, type: "STRING", label: "c") == "\"4111XXXXXXXXXXXX\"")
        #expect(values.render("ada@example.com", style: .emailMask, type: "STRING", label: "c") == "\"XXXXX@example.com\"")
        #expect(values.render("x", style: .redact, type: "STRING", label: "ssn") == "\"[REDACTED:ssn]\"")
        #expect(values.render("abc", style: .sha256, type: "STRING", label: "c")
                == "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"")
        let a = values.render("alice", style: .hmacToken, type: "STRING", label: "c")
        #expect(a == values.render("alice", style: .hmacToken, type: "STRING", label: "c"))
        #expect(a != values.render("bob", style: .hmacToken, type: "STRING", label: "c"))
        #expect(a != MaskedValue(hmacKey: Array("another key, another token......".utf8)).render("alice", style: .hmacToken, type: "STRING", label: "c"))
        #expect(values.render("2024-07-09T10:11:12", style: .dateYear, type: "DATETIME", label: "c") == "\"2024-01-01T00:00:00\"")
        #expect(values.render("1.7205E9", style: .dateYear, type: "TIMESTAMP", label: "c") == "\"1.7E+09\"")
        #expect(values.render(nil, style: .lastFour, type: "STRING", label: "c") == "null")
    }

    @Test(arguments: [
        (Detector.email, "write to ada@example.com today", true), (.email, "no at sign here", false), (.email, "a@b", false),
        (.creditCard, "4111 1111 1111 1111", true), (.creditCard, "card 5500-0000-0000-0004", true),
        (.creditCard, "4111111111111112", false), (.creditCard, "1234567812345678", false), (.creditCard, "order 12345", false),
        (.usSSN, "ssn 123-45-6789", true), (.usSSN, "000-12-3456", false), (.usSSN, "666-12-3456", false),
        (.usSSN, "123-00-4567", false), (.usSSN, "2024-01-0101", false),
        (.phone, "+1-555-0100", true), (.phone, "call (415) 555-0132", true), (.phone, "+12", false), (.phone, "version 1.2.3", false),
        (.iban, "GB82 WEST 1234 5698 7654 32", true), (.iban, "DE89370400440532013000", true), (.iban, "GB82WEST12345698765433", false),
        (.iban, "AB12 hello world", false),
    ])
    func detectorsFindTrueAndSkipFalsePositives(detector: Detector, text: String, expected: Bool) {
        #expect(ContentDetector.detects(detector, in: text) == expected, "\(detector) on \(text)")
    }

    static let schema = [
        SchemaField(name: "id", type: "INTEGER"),
        SchemaField(name: "email", type: "STRING"),
        SchemaField(name: "notes", type: "STRING"),
        SchemaField(name: "address", type: "RECORD", fields: [SchemaField(name: "city", type: "STRING"), SchemaField(name: "zip", type: "STRING")]),
        SchemaField(name: "tags", type: "STRING", repeated: true),
        SchemaField(name: "contacts", type: "RECORD", repeated: true, fields: [
            SchemaField(name: "phone", type: "STRING"),
            SchemaField(name: "history", type: "RECORD", repeated: true, fields: [SchemaField(name: "ssn", type: "STRING")]),
        ]),
    ]

    @Test func nestedAndRepeatedValuesAreMaskedAtAnyDepth() throws {
        let policy = MaskingPolicy(columns: [
            .init(table: "*.shop.customers", column: "email", style: .emailMask),
            .init(table: nil, column: "address.city", style: .redact),
            .init(table: nil, column: "contacts.phone", style: .lastFour),
            .init(table: nil, column: "ssn", style: .null),
        ], detectors: [.init(detector: .creditCard, style: .lastFour)])
        let plan = MaskingPlan(policy: policy, schema: Self.schema, tables: ["p.shop.customers"])
        let body = #"{"kind":"bigquery#queryResponse","schema":{},"rows":[{"f":[{"v":"1"},{"v":"ada@example.com"},{"v":"card 4111111111111111"},"#
            + #"{"v":{"f":[{"v":"London"},{"v":"N1"}]}},{"v":[{"v":"vip"},{"v":"4111-1111-1111-1111"}]},"#
            + #"{"v":[{"v":{"f":[{"v":"+1-555-0100"},{"v":[{"v":{"f":[{"v":"123-45-6789"}]}}]}]}}]}]},"#
            + #"{"f":[{"v":"2"},{"v":null},{"v":"plain \"quoted\" text"},{"v":null},{"v":[]},{"v":[]}]}],"totalRows":"2"}"#
        let (masked, report) = try RowMasker(plan: plan, values: values).mask(Array(body.utf8), schema: Self.schema)
        let text = String(decoding: masked, as: UTF8.self)
        for raw in ["ada@example.com", "London", "4111111111111111", "4111-1111-1111-1111", "+1-555-0100", "123-45-6789"] {
            #expect(!text.contains(raw), "\(raw) left in \(text)")
        }
        #expect(text.contains(#"{"v":"XXXXX@example.com"}"#))
        #expect(text.contains(#"{"v":"[REDACTED:address.city]"}"#))
        #expect(text.contains(#"{"v":"N1"}"#))
        #expect(text.contains(#"{"v":"XXXXXXX0100"}"#))
        #expect(text.contains(#"{"v":null}]}}]}"#))
        #expect(text.contains(#"plain \"quoted\" text"#))
        #expect(text.hasSuffix(#""totalRows":"2"}"#))
        #expect(try JSONSerialization.jsonObject(with: Data(masked)) is [String: Any])
        #expect(report.rows == 2)
        #expect(report.columns.first { $0.column == "notes" }?.source == "credit_card")
        #expect(report.columns.first { $0.column == "tags" }?.values == 1)
        // The table-scoped rule does not apply to another table's rows.
        let other = MaskingPlan(policy: policy, schema: Self.schema, tables: ["p.hr.people"])
        #expect(other.columns["email"] == nil && other.columns["address.city"] == .redact)
    }

    @Test(arguments: [
        #"{"rows":[{"f":[{"v":"1"}]}]}"#,                     // fewer cells than fields
        #"{"rows":[{"g":[]}]}"#,                              // not a row
        #"{"rows":[{"f":[{"v":1},{"v":"a"}]}]}"#,             // a number where BigQuery sends strings
        #"{"rows":[{"f":[{"v":"1"},{"v":"a"},{"v":"b"}]}]}"#, // more cells than fields
        #"{"rows":[{"f":[{"v":"1"},{"v":"a"#,                 // cut
        #"["not","an","object"]"#,
    ])
    func rowsThatDoNotFitTheSchemaAreRefusedNotPassed(body: String) {
        let schema = [SchemaField(name: "id", type: "INTEGER"), SchemaField(name: "email", type: "STRING")]
        let plan = MaskingPlan(policy: MaskingPolicy(columns: [.init(table: nil, column: "email", style: .redact)]), schema: schema, tables: [])
        #expect(throws: MaskingError.self) { try RowMasker(plan: plan, values: values).mask(Array(body.utf8), schema: schema) }
    }
}
