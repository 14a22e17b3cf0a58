import HrecJournal
import HrecPolicy
import HrecSQL

extension PolicyGate {
    static let rowEndpoints: Set<String> = ["jobs.query", "jobs.getQueryResults", "tabledata.list", "jobs.insert", "jobs.get"]

    /// Masks the rows of jobs.query, getQueryResults (every page: the schema is remembered per
    /// job) and tabledata.list (schema from tables.get, cached; selectedFields honoured) before
    /// the agent or the journal sees them. When masking cannot be applied, the answer is refused.
    ///
    /// One walk over the body: the scan reaches the rows with the schema and job in hand (BigQuery
    /// sends them first), masking is decided there, and the masker validates and masks the rows as
    /// the walk goes on. A body whose schema or job comes after its rows is decided on the whole
    /// scan and masked in a second walk. Masking runs per request, in parallel (the table schema
    /// cache and the forwarded jobs have locks of their own).
    public func filterResponse(_ answered: AnsweredCall) async -> FilteredResponse {
        let endpoint = answered.call.endpoint
        guard !policy.masking.isEmpty, answered.status == 200, Self.rowEndpoints.contains(endpoint.name) else {
            return FilteredResponse(scan: try? ResponseScan(body: answered.body), filter: .pass)
        }
        let tableSchema = endpoint.name == "tabledata.list" ? await Self.tableSchema(of: answered) : nil
        var decision: RowMasking?
        let walked: MaskedScan
        do {
            walked = try ResponseScan.masking(answered.body) { (before) throws(MaskingError) -> RowTreatment in
                guard endpoint.name == "tabledata.list" || (before.schema != nil && before.jobID != nil) else { return .leave }
                let decided = self.rowMasking(answered, scan: before, tableSchema: tableSchema)
                decision = decided
                switch decided {
                case .pass: return .leave
                case let .refuse(reason): throw MaskingError(offset: before.rows?.lowerBound ?? 0, reason: reason)
                case let .mask(masker, schema, _, _): return .mask(masker, schema: schema)
                }
            }
        } catch {
            switch decision {
            case let .refuse(reason)?: return FilteredResponse(scan: nil, filter: .refuse(reason))
            case .mask?:  // the masker validates the rows as it masks them: either may be wrong
                let reason = "the response is not well-formed JSON, or its rows do not fit their schema: \(error)"
                return FilteredResponse(scan: nil, filter: .refuse(reason))
            default: return FilteredResponse(scan: nil, filter: .refuse("the response is not well-formed JSON: \(error)"))
            }
        }
        let scan = walked.scan
        switch decision ?? rowMasking(answered, scan: scan, tableSchema: tableSchema) {
        case .pass:
            return FilteredResponse(scan: scan, filter: .pass)
        case let .refuse(reason):
            return FilteredResponse(scan: scan, filter: .refuse(reason))
        case let .mask(masker, schema, tables, rows):
            var body = walked.body ?? answered.body
            var report = walked.report ?? MaskingReport()
            if decision == nil {  // decided after the walk: the second one masks
                do {
                    (body, report) = try masker.mask(answered.body, rows: rows, schema: schema)
                } catch {
                    return FilteredResponse(scan: scan, filter: .refuse("\(error)"))
                }
            }
            return FilteredResponse(scan: scan, filter: .masked(body, report: ["tables": tables.joined(separator: ",")],
                                                               columns: report.columnSummaries, rows: report.rows))
        }
    }

    /// How the rows of this response are to be masked, decided from everything but the rows
    /// (so a streamed response is decided from its part before the rows, with `rows` empty).
    public func rowMasking(_ answered: AnsweredCall) async -> RowMasking {
        let endpoint = answered.call.endpoint
        guard !policy.masking.isEmpty, answered.status == 200, Self.rowEndpoints.contains(endpoint.name) else { return .pass }
        let scan: ResponseScan
        do {
            scan = try answered.scan ?? ResponseScan(body: answered.body)
        } catch {
            return .refuse("the response is not well-formed JSON: \(error)")
        }
        let tableSchema = endpoint.name == "tabledata.list" ? await Self.tableSchema(of: answered) : nil
        return rowMasking(answered, scan: scan, tableSchema: tableSchema)
    }

    /// The table's schema for a tabledata.list answer, cut to its `selectedFields`.
    static func tableSchema(of answered: AnsweredCall) async -> [SchemaField]? {
        await answered.tableSchema().map { full in
            guard let selected = answered.selectedFields, !selected.isEmpty else { return full }
            let names = Set(selected.map { $0.split(separator: ".").first.map(String.init) ?? $0 })
            return full.filter { names.contains($0.name) }
        }
    }

    /// `rowMasking` from a scan of the body (whole, or up to its rows) and, for tabledata.list,
    /// the table's schema. Remembers the job's tables, SQL and schema for its later pages.
    func rowMasking(_ answered: AnsweredCall, scan: ResponseScan, tableSchema: [SchemaField]?) -> RowMasking {
        let masking = policy.masking
        let endpoint = answered.call.endpoint
        let responseJob = scan.jobID
        var schema = scan.schema
        var tables: [String] = []
        var sql: String?
        switch endpoint.name {
        case "jobs.query", "jobs.insert":
            if let query = answered.call.query {
                tables = Self.tablesRead(query, project: endpoint.project)
                sql = query.sql
            }
            if let job = responseJob {
                jobs.update(job) { [tables, sql] in
                    $0.tables = tables
                    $0.sql = sql
                }
            }
        case "jobs.getQueryResults", "jobs.get":
            let known = jobs.info(endpoint.job ?? responseJob ?? "")
            tables = known?.tables ?? []
            sql = known?.sql
            if schema == nil { schema = known?.schema }
        default: // tabledata.list
            tables = [endpoint.resource]
            schema = tableSchema
        }
        if let schema, let job = responseJob ?? endpoint.job, endpoint.name != "tabledata.list" {
            jobs.update(job) { $0.schema = schema }
        }
        guard let rows = scan.rows else { return .pass }
        guard let schema else { return .refuse("the rows' schema is unknown, so they cannot be masked") }
        if let sql, let hidden = Self.maskedColumnHidden(sql: sql, schema: schema, tables: tables, masking: masking) {
            return .refuse("the query uses the masked column '\(hidden)' but does not return it under its own name, so its values "
                           + "cannot be masked (select it as \(hidden), or leave it out)")
        }
        let plan = MaskingPlan(policy: masking, schema: schema, tables: tables)
        return .mask(RowMasker(plan: plan, values: MaskedValue(hmacKey: hmacKey)), schema: schema, tables: tables, rows: rows)
    }
    /// A masked column the SQL names (in any expression, alias or filter) that the result does
    /// not carry under its own name: renaming or deriving a masked column would slip past
    /// name-based masking, so such results are refused (fail closed).
    static func maskedColumnHidden(sql: String, schema: [SchemaField], tables: [String], masking: MaskingPolicy) -> String? {
        guard let tokens = try? SQLLexer.tokenize(sql) else { return nil }
        var returned: Set<String> = []
        func collect(_ fields: [SchemaField]) {
            for field in fields {
                returned.insert(field.name.lowercased())
                collect(field.fields)
            }
        }
        collect(schema)
        let rules = masking.columns.filter { rule in rule.table.map { glob in tables.contains { Glob(glob).matches($0) } } ?? true }
        for token in tokens where token.kind == .word || token.kind == .quotedIdentifier {
            let name = String(token.text.split(separator: ".").last ?? "")
            guard !name.isEmpty, rules.contains(where: { Glob($0.column).matches(name) }) else { continue }
            if !returned.contains(name.lowercased()) { return name }
        }
        return nil
    }

    static func tablesRead(_ query: QueryRequest, project: String) -> [String] {
        let parts = query.defaultDataset?.split(separator: ".").map(String.init) ?? []
        let analyzer = SQLAnalyzer(defaultProject: parts.count == 2 ? parts[0] : project, defaultDataset: parts.last)
        return ((try? analyzer.analyze(query.sql))?.reads).map { $0.map(\.description).sorted() } ?? []
    }
}
