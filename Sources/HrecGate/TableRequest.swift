import Foundation
import HrecPolicy
import HrecSQL

/// Bodies of table and dataset calls read for what they do: a tables.insert or tables.patch
/// with a view or materialized view is the SQL it holds (`CREATE_VIEW`/`ALTER_VIEW` writing the
/// view and reading every table of its query, so a view cannot carry another dataset's rows into
/// an allowed one), an external table is `CREATE_EXTERNAL_TABLE`, a plain table
/// `CREATE_TABLE`/`ALTER_TABLE` of that table; an insertAll with a `templateSuffix` also writes
/// the table it names; a datasets.insert creates that dataset; a datasets.patch that sets
/// `access` is also a `GRANT` on the dataset.
public enum TableRequest {
    /// The statements of a tabledata.insertAll, datasets.insert or datasets.patch body, beside
    /// the endpoint's own statement (`EndpointStatement`).
    /// - Throws: `BigQueryError.accessDenied` when the body cannot be read.
    public static func statements(endpoint: BigQueryEndpoint, body: [UInt8], base: StatementAnalysis) throws(BigQueryError) -> [StatementAnalysis] {
        guard ["tabledata.insertAll", "datasets.insert", "datasets.patch"].contains(endpoint.name) else { return [base] }
        guard let object = (try? JSONNode(parsing: body))?.object else {
            throw .accessDenied("the \(endpoint.name) body is not a JSON object")
        }
        let project = endpoint.project
        switch endpoint.name {
        case "tabledata.insertAll":
            guard let suffix = object["templateSuffix"] else { return [base] }
            guard let suffix = suffix.string, let table = endpoint.table else { throw .accessDenied("templateSuffix must be a string") }
            var statement = base
            statement.writes.insert(TableRef(project: project, dataset: endpoint.dataset ?? "_", table: table + suffix))
            return [statement]
        case "datasets.insert":
            guard let reference = object["datasetReference"]?.object, let dataset = reference["datasetId"]?.string, !dataset.isEmpty,
                  reference["projectId"].map({ $0.string == project }) ?? true else {
                throw .accessDenied("datasets.insert must name its datasetReference.datasetId in the request's project")
            }
            return [StatementAnalysis(kind: "CREATE_SCHEMA", writes: [TableRef(project: project, dataset: dataset, table: "*")])]
        default:
            return object["access"] == nil ? [base] : [base, StatementAnalysis(kind: "GRANT", writes: base.writes)]
        }
    }

    /// The statement the body amounts to.
    /// - Throws: `BigQueryError.accessDenied` when the body or its SQL cannot be checked.
    public static func statement(endpoint: BigQueryEndpoint, body: [UInt8]) throws(BigQueryError) -> StatementAnalysis {
        guard let object = (try? JSONNode(parsing: body))?.object else {
            throw .accessDenied("the table definition is not a JSON object")
        }
        let reference = object["tableReference"]?.object
        let project = endpoint.project, dataset = endpoint.dataset ?? "_"
        if let named = reference?["datasetId"]?.string, named != dataset {
            throw .accessDenied("the table definition names dataset \(named), the request path \(dataset)")
        }
        if let named = reference?["projectId"]?.string, named != project {
            throw .accessDenied("the table definition names project \(named), the request path \(project)")
        }
        let id = endpoint.table ?? reference?["tableId"]?.string
        let target = TableRef(project: project, dataset: dataset, table: id.flatMap { $0.isEmpty ? nil : $0 } ?? "*")
        let creating = endpoint.name == "tables.insert"
        for (key, suffix) in [("view", "VIEW"), ("materializedView", "MATERIALIZED_VIEW")] {
            guard let definition = object[key] else { continue }
            guard let definition = definition.object, let sql = definition["query"]?.string else {
                throw .accessDenied("the \(key) definition has no query")
            }
            if key == "view", definition["useLegacySql"]?.bool ?? true {
                throw .accessDenied("legacy SQL views cannot be checked; set view.useLegacySql to false")
            }
            let analysis: ScriptAnalysis
            do {
                analysis = try SQLAnalyzer(defaultProject: project).analyze(sql)
            } catch {
                throw .accessDenied("the \(key) SQL cannot be parsed (\(error)); it is refused")
            }
            guard !analysis.isScript, analysis.kinds == ["SELECT"] else {
                throw .accessDenied("a \(key) must hold one SELECT")
            }
            return StatementAnalysis(kind: (creating ? "CREATE_" : "ALTER_") + suffix, reads: analysis.reads, writes: [target])
        }
        if object["externalDataConfiguration"] != nil {
            return StatementAnalysis(kind: creating ? "CREATE_EXTERNAL_TABLE" : "ALTER_EXTERNAL_TABLE", writes: [target])
        }
        if object["encryptionConfiguration"] != nil {
            throw .accessDenied("encryptionConfiguration (choosing the key a table is encrypted with) is not supported through the gate")
        }
        return StatementAnalysis(kind: creating ? "CREATE_TABLE" : "ALTER_TABLE", writes: [target])
    }
}
