import HrecSQL

extension QueryRequest {
    /// The statements this request amounts to: those of its SQL, plus the writes its options make.
    /// A destination table is written by the query's result (every table the query reads flows
    /// into it): `WRITE_APPEND` and `WRITE_EMPTY` are an `INSERT`, `WRITE_TRUNCATE` replaces the
    /// table (`TRUNCATE_TABLE` and `INSERT`), and `CREATE_IF_NEEDED` (the default) may create it
    /// (`CREATE_TABLE`). Each `tableDefinitions` entry is a `CREATE_EXTERNAL_TABLE` of a
    /// temporary table (`project._external.name`) that reads data from outside BigQuery.
    /// - Throws: `BigQueryError.accessDenied` saying why the request cannot be checked (it is refused).
    public func statements(project: String) throws(BigQueryError) -> [StatementAnalysis] {
        if let unsupported { throw .accessDenied(unsupported) }
        if useLegacySQL { throw .accessDenied("legacy SQL cannot be checked; use standard SQL (useLegacySql: false)") }
        let parts = defaultDataset?.split(separator: ".").map(String.init) ?? []
        let analyzer = SQLAnalyzer(defaultProject: parts.count == 2 ? parts[0] : project, defaultDataset: parts.last)
        var statements: [StatementAnalysis]
        do {
            statements = try analyzer.analyze(sql).statements
        } catch {
            throw .accessDenied("the SQL cannot be parsed (\(error)); it is refused")
        }
        let reads = statements.reduce(into: Set<TableRef>()) { $0.formUnion($1.reads) }
        if let destination {
            guard statements.count == 1, statements[0].kind == "SELECT" else {
                throw .accessDenied("a destinationTable is only checked for a single SELECT")
            }
            let table = TableRef(project: destination[0].isEmpty ? project : destination[0], dataset: destination[1], table: destination[2])
            var kinds: [String]
            switch writeDisposition ?? "WRITE_EMPTY" {
            case "WRITE_EMPTY", "WRITE_APPEND": kinds = ["INSERT"]
            case "WRITE_TRUNCATE", "WRITE_TRUNCATE_DATA": kinds = ["TRUNCATE_TABLE", "INSERT"]
            case let other: throw .accessDenied("unknown writeDisposition '\(other)'")
            }
            switch createDisposition ?? "CREATE_IF_NEEDED" {
            case "CREATE_IF_NEEDED": kinds.insert("CREATE_TABLE", at: 0)
            case "CREATE_NEVER": break
            case let other: throw .accessDenied("unknown createDisposition '\(other)'")
            }
            statements += kinds.map { StatementAnalysis(kind: $0, reads: $0 == "INSERT" ? reads : [], writes: [table]) }
        }
        for name in externalTables {
            statements.append(StatementAnalysis(kind: "CREATE_EXTERNAL_TABLE", writes: [TableRef(project: project, dataset: "_external", table: name)]))
        }
        return statements
    }
}
