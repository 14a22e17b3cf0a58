import Foundation
import HrecPolicy

/// The gate's own case (bench/gate_latency.py): `SELECT id, name AS label, email FROM shop.big`,
/// 5,000 rows as jobs.query returns them, one column masked. Prints the best time per page of
/// the scan alone, the masking alone, one after the other and both in one walk (as the gate does), and of quoting the page for the journal, over 200 runs each.
func pageBench() {
    var body = Array(#"{"kind":"bigquery#queryResponse","schema":{"fields":[{"name":"id","type":"INTEGER","mode":"NULLABLE"},"#.utf8)
    body += Array(#"{"name":"label","type":"STRING","mode":"NULLABLE"},{"name":"email","type":"STRING","mode":"NULLABLE"}]},"#.utf8)
    body += Array(#""jobReference":{"projectId":"test-proj","jobId":"job_1","location":"US"},"totalRows":"5000","rows":["#.utf8)
    for row in 1...5000 {
        if row > 1 { body.append(UInt8(ascii: ",")) }
        body += Array(#"{"f":[{"v":"\#(row)"},{"v":"customer \#(row)"},{"v":"user\#(row)@example.com"}]}"#.utf8)
    }
    body += Array(#"],"totalBytesProcessed":"0","jobComplete":true,"cacheHit":false}"#.utf8)
    let policy = MaskingPolicy(columns: [.init(table: nil, column: "email", style: .emailMask)], detectors: [])
    guard let schema = try? ResponseScan(body: body).schema else { fatalError("page does not scan") }
    let masker = RowMasker(plan: MaskingPlan(policy: policy, schema: schema, tables: ["test-proj.shop.big"]),
                           values: MaskedValue(hmacKey: Array("0123456789abcdef".utf8)))
    func best(_ work: () throws -> Void) rethrows -> Double {
        var fastest = Double.infinity
        for _ in 0..<200 {
            let start = DispatchTime.now().uptimeNanoseconds
            try work()
            fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        return fastest
    }
    do {
        let scan = try best { _ = try ResponseScan(body: body) }
        let rows = try ResponseScan(body: body).rows!
        let mask = try best { _ = try masker.mask(body, rows: rows, schema: schema) }
        let both = try best { _ = try masker.mask(body, rows: try ResponseScan(body: body).rows!, schema: schema) }
        let oneWalk = try best { _ = try ResponseScan.masking(body) { _ in .mask(masker, schema: schema) } }
        let quote = best {
            var literal: [UInt8] = []
            JSONQuoting.appendQuoted(body[...], to: &literal)
        }
        print(String(format: "5,000-row page, %d bytes: scan %.3f ms, mask %.3f ms, scan then mask %.3f ms, both in one walk %.3f ms "
                     + "(%.0f MB/s); quoted for the journal %.3f ms",
                     body.count, scan, mask, both, oneWalk, Double(body.count) / 1e3 / oneWalk, quote))
    } catch {
        fatalError("\(error)")
    }
}
