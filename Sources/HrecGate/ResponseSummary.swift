import Foundation

/// What the journal notes about a BigQuery response: job id, rows returned, totals.
struct ResponseSummary {
    var job: String?
    var rows: Int?
    var totalRows: String?
    var bytesProcessed: String?

    init(body: [UInt8]) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return }
        job = (object["jobReference"] as? [String: Any])?["jobId"] as? String
        rows = (object["rows"] as? [Any])?.count
        totalRows = object["totalRows"] as? String
        bytesProcessed = object["totalBytesProcessed"] as? String
            ?? ((object["statistics"] as? [String: Any])?["totalBytesProcessed"] as? String)
    }
}
