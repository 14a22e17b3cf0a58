import Foundation
import HrecPolicy

extension GateResponder {
    /// Asks the upstream for a dry run of `query` (jobs.query with dryRun), for the policy: its
    /// statement type, referenced tables and byte estimate. nil when the upstream cannot say.
    func dryRun(_ query: QueryRequest, project: String) async -> DryRun? {
        guard let data = try? JSONEncoder().encode(DryRunRequest(query)) else { return nil }
        var headers = ["Accept: application/json", "Content-Type: application/json", "User-Agent: hrec-gate"]
        do {
            if let authorization = try await authorizer.header() { headers.append(authorization) }
            let response = try await upstream.send(method: "POST", pathAndQuery: "/bigquery/v2/projects/\(project)/queries",
                                                   headers: headers, body: [UInt8](data))
            guard response.status == 200, let object = (try? JSONNode(parsing: response.body))?.object else { return nil }
            let tables = (object["referencedTables"]?.array ?? []).compactMap { table -> String? in
                guard let p = table["projectId"]?.string, let d = table["datasetId"]?.string, let t = table["tableId"]?.string else { return nil }
                return "\(p).\(d).\(t)"
            }
            return DryRun(statementType: object["statementType"]?.string,
                          totalBytesProcessed: object["totalBytesProcessed"]?.string.flatMap { UInt64($0) },
                          referencedTables: tables)
        } catch {
            logger.notice("dry run failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

/// The jobs.query body of a dry run: the query, its default dataset and parameters.
struct DryRunRequest: Encodable {
    struct DatasetReference: Encodable {
        var projectId: String?
        var datasetId: String
    }

    var query: String
    var useLegacySql = false
    var dryRun = true
    var defaultDataset: DatasetReference?
    var queryParameters: JSONValue?
    var parameterMode: String?

    init(_ request: QueryRequest) {
        query = request.sql
        if let defaultDataset = request.defaultDataset {
            let parts = defaultDataset.split(separator: ".").map(String.init)
            self.defaultDataset = parts.count == 2 ? DatasetReference(projectId: parts[0], datasetId: parts[1]) : DatasetReference(datasetId: defaultDataset)
        }
        if let parameters = request.parameters {
            queryParameters = parameters
            parameterMode = "NAMED"
        }
    }
}
