import Foundation

extension GateResponder {
    /// Asks the upstream for a dry run of `query` (jobs.query with dryRun), for the policy: its
    /// statement type, referenced tables and byte estimate. nil when the upstream cannot say.
    func dryRun(_ query: QueryRequest, project: String) async -> DryRun? {
        var body: [String: Any] = ["query": query.sql, "useLegacySql": false, "dryRun": true]
        if let defaultDataset = query.defaultDataset {
            let parts = defaultDataset.split(separator: ".").map(String.init)
            body["defaultDataset"] = parts.count == 2 ? ["projectId": parts[0], "datasetId": parts[1]] : ["datasetId": defaultDataset]
        }
        if let parameters = query.parameters, let data = try? JSONEncoder().encode(parameters),
           let object = try? JSONSerialization.jsonObject(with: data) {
            body["queryParameters"] = object
            body["parameterMode"] = "NAMED"
        }
        guard let data = try? JSONSerialization.data(withJSONObject: body) else { return nil }
        var headers = ["Accept: application/json", "Content-Type: application/json", "User-Agent: hrec-gate"]
        do {
            if let authorization = try await authorizer.header() { headers.append(authorization) }
            let response = try await upstream.send(method: "POST", pathAndQuery: "/bigquery/v2/projects/\(project)/queries",
                                                   headers: headers, body: [UInt8](data))
            guard response.status == 200, let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] else {
                return nil
            }
            let tables = (object["referencedTables"] as? [[String: Any]] ?? []).compactMap { table -> String? in
                guard let p = table["projectId"] as? String, let d = table["datasetId"] as? String, let t = table["tableId"] as? String else { return nil }
                return "\(p).\(d).\(t)"
            }
            return DryRun(statementType: object["statementType"] as? String,
                          totalBytesProcessed: (object["totalBytesProcessed"] as? String).flatMap { UInt64($0) },
                          referencedTables: tables)
        } catch {
            logger.notice("dry run failed", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
