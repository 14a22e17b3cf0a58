import HrecPolicy

/// What the journal notes about a BigQuery response: job id, rows returned, totals.
struct ResponseSummary {
    var job: String?
    var rows: Int?
    var totalRows: String?
    var bytesProcessed: String?

    /// The summary of a scanned response; empty when the body was not well-formed JSON.
    init(scan: ResponseScan?) {
        guard let scan else { return }
        job = scan.jobID
        rows = scan.rowCount
        totalRows = scan.totalRows
        bytesProcessed = scan.totalBytesProcessed
    }
}
