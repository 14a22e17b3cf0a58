// Masking benchmark: builds a ~50 MB BigQuery rows response (customers with emails, SSNs, cards,
// nested addresses and repeated tags) and times one mode, so that peak memory can be measured
// per mode by bench/masking.sh:
//   hrec-mask-bench mask       hrec's streaming row masker (column rules + detectors)
//   hrec-mask-bench baseline   Foundation JSONSerialization parse + serialize of the same bytes
//   hrec-mask-bench page       the gate's case: one 5,000-row page (id, label, email), scanned
//                              (ResponseScan) then masked (email_mask); per page, best of 200
import Foundation
import HrecPolicy

let mode = CommandLine.arguments.dropFirst().first ?? "mask"
if mode == "page" {
    pageBench()
    exit(0)
}
let megabytes = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 50 : 50

let schema = [
    SchemaField(name: "id", type: "INTEGER"), SchemaField(name: "name", type: "STRING"), SchemaField(name: "email", type: "STRING"),
    SchemaField(name: "ssn", type: "STRING"), SchemaField(name: "card_number", type: "STRING"), SchemaField(name: "notes", type: "STRING"),
    SchemaField(name: "created_at", type: "TIMESTAMP"),
    SchemaField(name: "address", type: "RECORD", fields: [SchemaField(name: "street", type: "STRING"), SchemaField(name: "city", type: "STRING")]),
    SchemaField(name: "tags", type: "STRING", repeated: true),
]
var body = Array(#"{"kind":"bigquery#queryResponse","jobReference":{"projectId":"p","jobId":"j"},"totalRows":"0","rows":["#.utf8)
var row = 0
while body.count < megabytes * 1_000_000 {
    if row > 0 { body.append(UInt8(ascii: ",")) }
    let text = #"{"f":[{"v":"\#(row)"},{"v":"Customer \#(row)"},{"v":"user\#(row)@example.com"},{"v":"123-45-\#(1000 + row % 9000)"},"#
        + #"{"v":"4111111111111111"},{"v":"called on \#(row % 28 + 1) March, asked about order \#(row * 7)"},{"v":"\#(1_700_000_000_000_000 + row)"},"#
        + #"{"v":{"f":[{"v":"\#(row % 500) Main St"},{"v":"London"}]}},{"v":[{"v":"vip"},{"v":"newsletter"}]}]}"#
    body += Array(text.utf8)
    row += 1
}
body += Array(#"],"jobComplete":true}"#.utf8)
let policy = MaskingPolicy(columns: [
    .init(table: nil, column: "email", style: .emailMask), .init(table: nil, column: "ssn", style: .redact),
    .init(table: nil, column: "card_number", style: .lastFour), .init(table: nil, column: "address.street", style: .redact),
], detectors: [.init(detector: .email, style: .emailMask), .init(detector: .creditCard, style: .lastFour), .init(detector: .usSSN, style: .redact)])
let masker = RowMasker(plan: MaskingPlan(policy: policy, schema: schema, tables: ["p.shop.customers"]),
                       values: MaskedValue(hmacKey: Array("0123456789abcdef".utf8)))

let start = DispatchTime.now().uptimeNanoseconds
var outputBytes = 0
switch mode {
case "baseline":
    let object = try JSONSerialization.jsonObject(with: Data(body))
    outputBytes = try JSONSerialization.data(withJSONObject: object).count
default:
    let (masked, report) = try masker.mask(body, schema: schema)
    outputBytes = masked.count
    precondition(report.rows == row, "masked \(report.rows) rows of \(row)")
}
var seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
if mode != "baseline" {
    // Steady state: best of three more runs (the first pays for page faults of a fresh heap).
    for _ in 0..<3 {
        let again = DispatchTime.now().uptimeNanoseconds
        _ = try masker.mask(body, schema: schema)
        seconds = min(seconds, Double(DispatchTime.now().uptimeNanoseconds - again) / 1e9)
    }
}
let name = mode == "baseline" ? "JSONSerialization parse+serialize" : "hrec row masker"
print(name.padding(toLength: 34, withPad: " ", startingAt: 0)
      + String(format: " %7.1f MB/s  (%.2f s for %.1f MB, %d rows, %d bytes out)", Double(body.count) / 1e6 / seconds,
               seconds, Double(body.count) / 1e6, row, outputBytes))
