import Foundation
import HrecSQL
import Testing
@testable import HrecGate

/// Issue 14: what a request body amounts to, options included: destination tables, external
/// tables, connection properties, copy/extract/load jobs and view definitions.
@Suite struct RequestStatementsTests {
    func body(_ object: [String: Any]) -> [UInt8] { [UInt8](try! JSONSerialization.data(withJSONObject: object)) }

    func queryJob(_ query: [String: Any]) throws -> [StatementAnalysis] {
        var options = query
        options["useLegacySql"] = false
        let request = try #require(try QueryRequest.parse(endpoint: "jobs.insert", body: body(["configuration": ["query": options]])))
        return try request.statements(project: "p")
    }

    func kinds(_ statements: [StatementAnalysis]) -> [String] { statements.map(\.kind) }

    @Test func aDestinationIsAWriteOfTheRightKind() throws {
        let destination: [String: Any] = ["projectId": "p", "datasetId": "shop", "tableId": "customers"]
        let truncate = try queryJob(["query": "SELECT id FROM other.t", "destinationTable": destination, "writeDisposition": "WRITE_TRUNCATE"])
        #expect(kinds(truncate) == ["SELECT", "CREATE_TABLE", "TRUNCATE_TABLE", "INSERT"])
        #expect(truncate[3].writes == [TableRef(project: "p", dataset: "shop", table: "customers")])
        #expect(truncate[3].reads == [TableRef(project: "p", dataset: "other", table: "t")])
        let append = try queryJob(["query": "SELECT 1", "destinationTable": ["datasetId": "s", "tableId": "t"],
                                   "writeDisposition": "WRITE_APPEND", "createDisposition": "CREATE_NEVER"])
        #expect(kinds(append) == ["SELECT", "INSERT"])
        #expect(append[1].writes == [TableRef(project: "p", dataset: "s", table: "t")])
    }

    @Test(arguments: [
        (#"{"query": "SELECT 1", "destinationTable": {"datasetId": "s", "tableId": "t"}, "writeDisposition": "WRITE_SOMETIMES"}"#, "unknown writeDisposition"),
        (#"{"query": "SELECT 1", "destinationTable": {"datasetId": "s"}}"#, "destinationTable must name datasetId and tableId"),
        (#"{"query": "SELECT 1; SELECT 2", "destinationTable": {"datasetId": "s", "tableId": "t"}}"#, "only checked for a single SELECT"),
        (#"{"query": "DELETE FROM s.t WHERE true", "destinationTable": {"datasetId": "s", "tableId": "t"}}"#, "only checked for a single SELECT"),
        (#"{"query": "SELECT 1", "destinationEncryptionConfiguration": {"kmsKeyName": "k"}}"#, "destinationEncryptionConfiguration"),
        (#"{"query": "SELECT 1", "connectionProperties": [{"key": "dataset_project_id", "value": "x"}]}"#, "connection property dataset_project_id"),
        (#"{"query": "SELECT 1", "connectionProperties": [{"key": "service_account", "value": "x"}]}"#, "connection property service_account"),
        (#"{"query": "SELECT 1", "futureOption": true}"#, "unknown option configuration.query.futureOption"),
        (#"{"query": "SELECT 1", "writeDisposition": "WRITE_TRUNCATE"}"#, "without a destinationTable"),
        (#"{"query": "SELECT 1", "userDefinedFunctionResources": [{"resourceUri": "gs://x"}]}"#, "userDefinedFunctionResources"),
    ])
    func optionsTheGateCannotCheckAreRefused(query: String, reason: String) throws {
        let options = try #require(try JSONSerialization.jsonObject(with: Data(query.utf8)) as? [String: Any])
        do {
            let statements = try queryJob(options)
            Issue.record("accepted as \(kinds(statements))")
        } catch let error as BigQueryError {
            #expect(error.message.contains(reason), "\(error.message)")
            #expect(error.code == 403)
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func legacySQLIsTheDefaultAndThePrefixCounts() throws {
        for (endpoint, object) in [("jobs.query", ["query": "SELECT * FROM [p:other.secrets]"] as [String: Any]),
                                   ("jobs.query", ["query": "  #legacySQL\nSELECT * FROM [p:other.secrets]", "useLegacySql": false]),
                                   ("jobs.insert", ["configuration": ["query": ["query": "#LEGACYSQL\nSELECT 1", "useLegacySql": false]]])] {
            let request = try #require(try QueryRequest.parse(endpoint: endpoint, body: body(object)))
            #expect(request.useLegacySQL)
            #expect(throws: BigQueryError.self) { try request.statements(project: "p") }
        }
        let standard = try #require(try QueryRequest.parse(endpoint: "jobs.query", body: body(["query": "#standardSQL\nSELECT 1", "useLegacySql": false])))
        #expect(try standard.statements(project: "p").map(\.kind) == ["SELECT"])
    }

    @Test func aJobWithTwoConfigurationsIsRefused() throws {
        let both = body(["configuration": ["query": ["query": "SELECT 1", "useLegacySql": false],
                                           "copy": ["sourceTable": ["datasetId": "other", "tableId": "secrets"], "destinationTable": ["datasetId": "s", "tableId": "t"]]]])
        let request = try #require(try QueryRequest.parse(endpoint: "jobs.insert", body: both))
        #expect(throws: BigQueryError.self) { try request.statements(project: "p") }
        #expect(throws: BigQueryError.self) { try JobRequest.statements(body: both, project: "p") }
    }

    @Test func harmlessConnectionPropertiesAndExternalTables() throws {
        let statements = try queryJob(["query": "SELECT * FROM ext", "connectionProperties": [["key": "time_zone", "value": "UTC"]],
                                       "tableDefinitions": ["ext": ["sourceUris": ["gs://b/x.csv"]]]])
        #expect(kinds(statements) == ["SELECT", "CREATE_EXTERNAL_TABLE"])
        #expect(statements[1].writes == [TableRef(project: "p", dataset: "_external", table: "ext")])
    }

    @Test func copyExtractAndLoadJobsAreStatements() throws {
        let source: [String: Any] = ["projectId": "p", "datasetId": "shop", "tableId": "customers"]
        let target: [String: Any] = ["datasetId": "scratch", "tableId": "c"]
        let copy = try JobRequest.statements(body: body(["configuration": ["copy": ["sourceTables": [source], "destinationTable": target,
                                                                                     "writeDisposition": "WRITE_TRUNCATE"]]]), project: "p")
        #expect(kinds(copy) == ["TRUNCATE_TABLE", "COPY_TABLE"])
        #expect(copy[1].reads == [TableRef(project: "p", dataset: "shop", table: "customers")])
        #expect(copy[1].writes == [TableRef(project: "p", dataset: "scratch", table: "c")])
        let extract = try JobRequest.statements(body: body(["configuration": ["extract": ["sourceTable": source, "destinationUris": ["gs://x"]]]]), project: "p")
        #expect(extract == [StatementAnalysis(kind: "EXPORT_DATA", reads: [TableRef(project: "p", dataset: "shop", table: "customers")])])
        let load = try JobRequest.statements(body: body(["configuration": ["load": ["destinationTable": target, "sourceUris": ["gs://x"]]]]), project: "p")
        #expect(load == [StatementAnalysis(kind: "LOAD_DATA", writes: [TableRef(project: "p", dataset: "scratch", table: "c")])])
        #expect(throws: BigQueryError.self) {
            try JobRequest.statements(body: body(["configuration": ["load": ["destinationTable": target,
                                                                             "destinationEncryptionConfiguration": ["kmsKeyName": "k"]]]]), project: "p")
        }
        #expect(throws: BigQueryError.self) { try JobRequest.statements(body: body(["configuration": ["sabotage": [:]]]), project: "p") }
    }

    @Test func insertAllSuffixesDatasetCreationAndAccessChangesAreWrites() throws {
        let insertAll = try #require(BigQueryEndpoint.parse(method: "POST", path: "/bigquery/v2/projects/p/datasets/shop/tables/t/insertAll"))
        let base = StatementAnalysis(kind: "INSERT", writes: [TableRef(project: "p", dataset: "shop", table: "t")])
        let suffixed = try TableRequest.statements(endpoint: insertAll, body: body(["rows": [], "templateSuffix": "_archive"]), base: base)
        #expect(suffixed.map(\.writes) == [[TableRef(project: "p", dataset: "shop", table: "t"), TableRef(project: "p", dataset: "shop", table: "t_archive")]])
        let datasets = try #require(BigQueryEndpoint.parse(method: "POST", path: "/bigquery/v2/projects/p/datasets"))
        let created = try TableRequest.statements(endpoint: datasets, body: body(["datasetReference": ["projectId": "p", "datasetId": "leak"]]),
                                                  base: StatementAnalysis(kind: "CREATE_SCHEMA"))
        #expect(created == [StatementAnalysis(kind: "CREATE_SCHEMA", writes: [TableRef(project: "p", dataset: "leak", table: "*")])])
        #expect(throws: BigQueryError.self) {
            try TableRequest.statements(endpoint: datasets, body: body(["datasetReference": ["projectId": "other", "datasetId": "x"]]),
                                        base: StatementAnalysis(kind: "CREATE_SCHEMA"))
        }
        let patch = try #require(BigQueryEndpoint.parse(method: "PATCH", path: "/bigquery/v2/projects/p/datasets/shop"))
        let shop = StatementAnalysis(kind: "ALTER_SCHEMA", writes: [TableRef(project: "p", dataset: "shop", table: "*")])
        let granted = try TableRequest.statements(endpoint: patch, body: body(["access": [["role": "READER", "userByEmail": "x@evil.com"]]]), base: shop)
        #expect(granted.map(\.kind) == ["ALTER_SCHEMA", "GRANT"])
        #expect(try TableRequest.statements(endpoint: patch, body: body(["description": "d"]), base: shop) == [shop])
    }

    @Test func viewsAreTheSQLTheyHold() throws {
        let endpoint = try #require(BigQueryEndpoint.parse(method: "POST", path: "/bigquery/v2/projects/p/datasets/shop/tables"))
        let view = try TableRequest.statement(endpoint: endpoint, body: body([
            "tableReference": ["projectId": "p", "datasetId": "shop", "tableId": "v"],
            "view": ["query": "SELECT * FROM other.secrets", "useLegacySql": false]]))
        #expect(view == StatementAnalysis(kind: "CREATE_VIEW", reads: [TableRef(project: "p", dataset: "other", table: "secrets")],
                                          writes: [TableRef(project: "p", dataset: "shop", table: "v")]))
        #expect(throws: BigQueryError.self) {
            try TableRequest.statement(endpoint: endpoint, body: body(["tableReference": ["datasetId": "shop", "tableId": "v"],
                                                                       "view": ["query": "SELECT 1"]]))
        }
        #expect(throws: BigQueryError.self) {
            try TableRequest.statement(endpoint: endpoint, body: body(["tableReference": ["datasetId": "other", "tableId": "v"]]))
        }
        let patch = try #require(BigQueryEndpoint.parse(method: "PATCH", path: "/bigquery/v2/projects/p/datasets/shop/tables/mv"))
        let altered = try TableRequest.statement(endpoint: patch, body: body(["materializedView": ["query": "SELECT id FROM other.t"]]))
        #expect(altered.kind == "ALTER_MATERIALIZED_VIEW" && altered.reads == [TableRef(project: "p", dataset: "other", table: "t")])
    }
}
