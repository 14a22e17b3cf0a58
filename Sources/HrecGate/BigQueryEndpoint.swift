/// One call on the BigQuery REST surface the gate supports. Anything else is refused.
public struct BigQueryEndpoint: Sendable, Equatable {
    /// The method as BigQuery names it (`jobs.query`, `tabledata.list`, ...).
    public var name: String
    public var project: String
    public var dataset: String?
    public var table: String?
    public var job: String?

    /// Whether the gate reads a query out of the request body.
    public var carriesSQL: Bool { name == "jobs.query" || name == "jobs.insert" }

    /// `project.dataset.table` (or the shorter form) this call is about, when it names one.
    public var resource: String {
        [project, dataset, table].compactMap { $0 }.joined(separator: ".")
    }

    /// Parses `method` and a path such as `/bigquery/v2/projects/p/datasets/d/tables/t/data`.
    /// Returns nil for anything outside the supported surface.
    public static func parse(method: String, path: String) -> BigQueryEndpoint? {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // The media upload endpoint: POST /upload/bigquery/v2/projects/{p}/jobs (a load job with its
        // data, or the start of a resumable upload), and PUT to it with an upload id (a resumable
        // upload's data).
        if parts.count == 6, parts[0] == "upload", parts[1] == "bigquery", parts[2] == "v2", parts[3] == "projects", parts[5] == "jobs",
           method == "POST" || method == "PUT", !parts[4].isEmpty, !parts[4].contains("..") {
            return BigQueryEndpoint(name: method == "POST" ? "jobs.upload" : "jobs.upload.data", project: parts[4])
        }
        guard parts.count >= 4, parts[0] == "bigquery", parts[1] == "v2", parts[2] == "projects" else { return nil }
        guard parts.allSatisfy({ !$0.isEmpty && !$0.contains("..") }) else { return nil }
        let project = parts[3]
        parts.removeFirst(4)
        func endpoint(_ name: String, dataset: String? = nil, table: String? = nil, job: String? = nil) -> BigQueryEndpoint {
            BigQueryEndpoint(name: name, project: project, dataset: dataset, table: table, job: job)
        }
        switch (method, parts.count, parts.first) {
        case ("POST", 1, "queries"): return endpoint("jobs.query")
        case ("GET", 2, "queries"): return endpoint("jobs.getQueryResults", job: parts[1])
        case ("POST", 1, "jobs"): return endpoint("jobs.insert")
        case ("GET", 1, "jobs"): return endpoint("jobs.list")
        case ("GET", 2, "jobs"): return endpoint("jobs.get", job: parts[1])
        case ("POST", 3, "jobs") where parts[2] == "cancel": return endpoint("jobs.cancel", job: parts[1])
        case ("GET", 1, "datasets"): return endpoint("datasets.list")
        case ("POST", 1, "datasets"): return endpoint("datasets.insert")
        case ("GET", 2, "datasets"): return endpoint("datasets.get", dataset: parts[1])
        case ("PATCH", 2, "datasets"), ("PUT", 2, "datasets"): return endpoint("datasets.patch", dataset: parts[1])
        case ("DELETE", 2, "datasets"): return endpoint("datasets.delete", dataset: parts[1])
        case (_, 3, "datasets") where parts[2] == "tables":
            switch method {
            case "GET": return endpoint("tables.list", dataset: parts[1])
            case "POST": return endpoint("tables.insert", dataset: parts[1])
            default: return nil
            }
        case (_, 4, "datasets") where parts[2] == "tables":
            switch method {
            case "GET": return endpoint("tables.get", dataset: parts[1], table: parts[3])
            case "PATCH", "PUT": return endpoint("tables.patch", dataset: parts[1], table: parts[3])
            case "DELETE": return endpoint("tables.delete", dataset: parts[1], table: parts[3])
            default: return nil
            }
        case ("GET", 5, "datasets") where parts[2] == "tables" && parts[4] == "data":
            return endpoint("tabledata.list", dataset: parts[1], table: parts[3])
        case ("POST", 5, "datasets") where parts[2] == "tables" && parts[4] == "insertAll":
            return endpoint("tabledata.insertAll", dataset: parts[1], table: parts[3])
        default:
            return nil
        }
    }
}
