import Foundation

/// The parts of a jobs.query / jobs.insert body the gate reads: decoded at the edge, typed.
public struct QueryRequest: Sendable, Equatable {
    public var sql: String
    public var parameters: JSONValue?
    public var defaultDataset: String?
    public var dryRun: Bool
    public var useLegacySQL: Bool

    /// Reads the query of a jobs.query body (`query`, `queryParameters`, `defaultDataset`) or a
    /// jobs.insert body (`configuration.query...`). Returns nil when the body holds no query
    /// (e.g. a load or copy job).
    /// - Throws: `BigQueryError.invalid` when the body is not JSON.
    public static func parse(endpoint: String, body: [UInt8]) throws -> QueryRequest? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw BigQueryError.invalid("request body is not a JSON object")
        }
        let query: [String: Any]
        var dryRun = false
        if endpoint == "jobs.insert" {
            guard let configuration = object["configuration"] as? [String: Any] else { return nil }
            dryRun = configuration["dryRun"] as? Bool ?? false
            guard let inner = configuration["query"] as? [String: Any] else { return nil }
            query = inner
        } else {
            query = object
            dryRun = object["dryRun"] as? Bool ?? false
        }
        guard let sql = query["query"] as? String else { return nil }
        var parameters: JSONValue?
        if let raw = query["queryParameters"], let data = try? JSONSerialization.data(withJSONObject: raw) {
            parameters = try? JSONDecoder().decode(JSONValue.self, from: data)
        }
        var defaultDataset: String?
        if let dataset = query["defaultDataset"] as? [String: Any], let id = dataset["datasetId"] as? String {
            defaultDataset = [dataset["projectId"] as? String, id].compactMap { $0 }.joined(separator: ".")
        }
        let legacy = (query["useLegacySql"] as? Bool) ?? (endpoint == "jobs.insert")
        return QueryRequest(sql: sql, parameters: parameters, defaultDataset: defaultDataset, dryRun: dryRun, useLegacySQL: legacy)
    }
}
