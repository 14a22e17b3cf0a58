import HrecJournal
import HrecPolicy
import HrecSQL

extension PolicyGate {
    /// Masks the rows of jobs.query, getQueryResults (every page: the schema is remembered per
    /// job) and tabledata.list (schema from tables.get, cached; selectedFields honoured) before
    /// the agent or the journal sees them. When masking cannot be applied, the answer is refused.
    /// Masking runs per request, in parallel (the table schema cache and the forwarded jobs
    /// have locks of their own).
    public func filterResponse(_ answered: AnsweredCall) async -> ResponseFilter {
        switch await rowMasking(answered) {
        case .pass:
            return .pass
        case let .refuse(reason):
            return .refuse(reason)
        case let .mask(masker, schema, tables, rows):
            do {
                let (body, report) = try masker.mask(answered.body, rows: rows, schema: schema)
                return .masked(body, report: ["tables": tables.joined(separator: ",")], columns: report.columnSummaries, rows: report.rows)
            } catch {
                return .refuse("\(error)")
            }
        }
    }

    /// How the rows of this response are to be masked, decided from everything but the rows
    /// (so a streamed response is decided from its part before the rows, with `rows` empty).
    public func rowMasking(_ answered: AnsweredCall) async -> RowMasking {
        let masking = policy.masking
        let endpoint = answered.call.endpoint
        guard !masking.isEmpty, answered.status == 200,
              ["jobs.query", "jobs.getQueryResults", "tabledata.list", "jobs.insert", "jobs.get"].contains(endpoint.name) else { return .pass }
        let scan: ResponseScan
        do {
            scan = try answered.scan ?? ResponseScan(body: answered.body)
        } catch {
            return .refuse("the response is not well-formed JSON: \(error)")
        }
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
            let table = endpoint.resource
            tables = [table]
            schema = await answered.tableSchema().map { full in
                guard let selected = answered.selectedFields, !selected.isEmpty else { return full }
                let names = Set(selected.map { $0.split(separator: ".").first.map(String.init) ?? $0 })
                return full.filter { names.contains($0.name) }
            }
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
