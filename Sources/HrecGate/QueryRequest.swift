import Foundation
import HrecPolicy

/// The parts of a jobs.query / jobs.insert body the gate reads: decoded at the edge, typed.
/// Every option that changes what the query does (where its result goes, which tables it can
/// see, as whom it runs) is read here; an option the gate does not know is not passed on
/// unchecked: `unsupported` says why the request is refused.
public struct QueryRequest: Sendable, Equatable {
    public var sql: String
    public var parameters: JSONValue?
    public var defaultDataset: String?
    public var dryRun: Bool
    public var useLegacySQL: Bool
    /// `configuration.query.destinationTable` (`project.dataset.table` parts), with its dispositions.
    public var destination: [String]?
    public var writeDisposition: String?
    public var createDisposition: String?
    /// Names of the external tables `tableDefinitions` defines for this query.
    public var externalTables: [String] = []
    /// Why the gate cannot check this request (an unknown or unsupported option); nil when it can.
    public var unsupported: String?

    /// Options of a jobs.query body (`QueryRequest` in BigQuery's REST reference).
    static let queryKeys: Set<String> = [
        "kind", "query", "maxResults", "defaultDataset", "timeoutMs", "jobTimeoutMs", "maxSlots", "dryRun", "preserveNulls",
        "useQueryCache", "useLegacySql", "parameterMode", "queryParameters", "location", "formatOptions", "connectionProperties",
        "labels", "maximumBytesBilled", "requestId", "createSession", "jobCreationMode", "continuous", "writeIncrementalResults",
        "reservation", "destinationEncryptionConfiguration",
    ]
    /// Options of `configuration.query` in a jobs.insert body (`JobConfigurationQuery`).
    static let jobQueryKeys: Set<String> = [
        "query", "destinationTable", "tableDefinitions", "userDefinedFunctionResources", "createDisposition", "writeDisposition",
        "defaultDataset", "priority", "preserveNulls", "allowLargeResults", "useQueryCache", "flattenResults", "maximumBillingTier",
        "maximumBytesBilled", "useLegacySql", "parameterMode", "queryParameters", "systemVariables", "schemaUpdateOptions",
        "timePartitioning", "rangePartitioning", "clustering", "destinationEncryptionConfiguration", "scriptOptions",
        "connectionProperties", "createSession", "continuous", "writeIncrementalResults",
    ]
    /// `configuration` keys of a jobs.insert body (`JobConfiguration`).
    static let configurationKeys: Set<String> = ["query", "copy", "extract", "load", "dryRun", "labels", "jobTimeoutMs", "jobType", "reservation"]
    /// The job configurations of a jobs.insert body: exactly one may be present.
    static let jobKinds: Set<String> = ["query", "copy", "extract", "load"]
    /// Connection properties that do not change what a query reads or writes, or as whom it runs.
    static let harmlessConnectionProperties: Set<String> = ["time_zone", "query_label", "session_id"]

    /// Reads the query of a jobs.query body (`query`, `queryParameters`, `defaultDataset`) or a
    /// jobs.insert body (`configuration.query...`). Returns nil when the body holds no query
    /// (a load, copy or extract job: `JobRequest`).
    /// - Throws: `BigQueryError.invalid` when the body is not JSON.
    public static func parse(endpoint: String, body: [UInt8]) throws -> QueryRequest? {
        let object: JSONObject
        do {
            guard let parsed = try JSONNode(parsing: body).object else { throw BigQueryError.invalid("request body is not a JSON object") }
            object = parsed
        } catch let error as MaskingError {
            throw BigQueryError.invalid("request body is not a JSON object: \(error.reason) at byte \(error.offset)")
        }
        let query: JSONObject
        var dryRun = false
        var unknown: [String] = []
        if endpoint == "jobs.insert" {
            guard let configuration = object["configuration"]?.object else { return nil }
            dryRun = configuration["dryRun"]?.bool ?? false
            guard let inner = configuration["query"]?.object else { return nil }
            query = inner
            unknown = Set(configuration.keys).subtracting(configurationKeys).map { "configuration.\($0)" }
            if Set(configuration.keys).intersection(jobKinds).count > 1 { unknown.append("configuration with more than one of query, copy, extract, load") }
            unknown += Set(inner.keys).subtracting(jobQueryKeys).map { "configuration.query.\($0)" }
        } else {
            query = object
            dryRun = object["dryRun"]?.bool ?? false
            unknown = Set(object.keys).subtracting(queryKeys).map { $0 }
        }
        guard let sql = query["query"]?.string else { return nil }
        let parameters = query["queryParameters"].map(JSONValue.init)
        var defaultDataset: String?
        if let dataset = query["defaultDataset"], let id = dataset["datasetId"]?.string {
            defaultDataset = [dataset["projectId"]?.string, id].compactMap { $0 }.joined(separator: ".")
        }
        // BigQuery's default is legacy SQL for jobs.query and jobs.insert alike; a #legacySQL first
        // line switches the dialect too (the tokenizer would read it as a comment).
        let prefix = sql.drop { $0.isWhitespace }.prefix("#legacysql".count).lowercased()
        let legacy = (query["useLegacySql"]?.bool ?? true) || prefix == "#legacysql"
        var request = QueryRequest(sql: sql, parameters: parameters, defaultDataset: defaultDataset, dryRun: dryRun, useLegacySQL: legacy)
        request.readOptions(query, unknown: unknown)
        return request
    }

    /// Reads the destination, dispositions, external tables and connection properties; records
    /// the first thing the gate cannot check in `unsupported`.
    mutating func readOptions(_ query: JSONObject, unknown: [String]) {
        var problems: [String] = []
        if !unknown.isEmpty { problems.append("unknown option \(unknown.sorted().joined(separator: ", "))") }
        if let table = query["destinationTable"] {
            if let dataset = table["datasetId"]?.string, let id = table["tableId"]?.string, !dataset.isEmpty, !id.isEmpty {
                destination = [table["projectId"]?.string ?? "", dataset, id]
            } else {
                problems.append("destinationTable must name datasetId and tableId")
            }
        }
        writeDisposition = query["writeDisposition"]?.string
        createDisposition = query["createDisposition"]?.string
        if query["writeDisposition"] != nil || query["createDisposition"] != nil, destination == nil {
            problems.append("writeDisposition/createDisposition without a destinationTable")
        }
        if query["destinationEncryptionConfiguration"] != nil {
            problems.append("destinationEncryptionConfiguration (choosing the key a table is encrypted with) is not supported through the gate")
        }
        if let definitions = query["tableDefinitions"] {
            if let definitions = definitions.object { externalTables = definitions.keys.sorted() } else {
                problems.append("tableDefinitions must be an object")
            }
        }
        if let resources = query["userDefinedFunctionResources"]?.array, !resources.isEmpty {
            problems.append("userDefinedFunctionResources (legacy SQL) are not supported")
        }
        if let properties = query["connectionProperties"] {
            let keys = properties.array?.map { $0["key"]?.string ?? "" }
            if let keys {
                let refused = keys.filter { !Self.harmlessConnectionProperties.contains($0) }
                if !refused.isEmpty {
                    problems.append("connection property \(refused.joined(separator: ", ")) changes how the query resolves or runs; "
                                    + "only \(Self.harmlessConnectionProperties.sorted().joined(separator: ", ")) pass")
                }
            } else {
                problems.append("connectionProperties must be a list of {key, value}")
            }
        }
        unsupported = problems.first.map { "the request cannot be checked: \($0)" }
    }
}
