import HrecSQL

/// Maps BigQuery calls that carry no SQL onto the same model as statements, so one set of rules
/// covers both: tables.delete is DROP_TABLE of that table, insertAll is INSERT into it,
/// tabledata.list is LIST_ROWS of it (a read that BigQuery does not bill), ...
public enum EndpointStatement {
    /// The statement a non-SQL call amounts to; nil for calls that carry SQL (jobs.query/insert)
    /// or only read job state (jobs.get, getQueryResults, jobs.list, jobs.cancel).
    public static func statement(endpoint: String, project: String, dataset: String?, table: String?) -> StatementAnalysis? {
        let target = table.map { TableRef(project: project, dataset: dataset ?? "_", table: $0) }
        let wholeDataset = dataset.map { TableRef(project: project, dataset: $0, table: "*") }
        func make(_ kind: String, reads: TableRef? = nil, writes: TableRef? = nil) -> StatementAnalysis {
            StatementAnalysis(kind: kind, reads: reads.map { [$0] } ?? [], writes: writes.map { [$0] } ?? [])
        }
        switch endpoint {
        case "tabledata.list": return make("LIST_ROWS", reads: target)  // not billed: no byte estimate applies
        case "tabledata.insertAll": return make("INSERT", writes: target)
        case "tables.delete": return make("DROP_TABLE", writes: target)
        case "tables.insert": return make("CREATE_TABLE", writes: wholeDataset)
        case "tables.patch": return make("ALTER_TABLE", writes: target)
        case "tables.get": return make("GET_TABLE", reads: target)
        case "tables.list": return make("LIST_TABLES", reads: wholeDataset)
        case "datasets.delete": return make("DROP_SCHEMA", writes: wholeDataset)
        case "datasets.insert": return make("CREATE_SCHEMA")
        case "datasets.patch": return make("ALTER_SCHEMA", writes: wholeDataset)
        case "datasets.get": return make("GET_DATASET", reads: wholeDataset)
        case "datasets.list": return make("LIST_DATASETS")
        default: return nil
        }
    }
}
