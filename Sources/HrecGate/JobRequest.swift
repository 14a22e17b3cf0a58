import Foundation
import HrecPolicy
import HrecSQL

/// Copy, extract and load jobs (`configuration.copy|extract|load` of jobs.insert, and the
/// metadata of a media upload) mapped onto statements, so the same rules decide them:
/// a copy is `COPY_TABLE` reading its sources and writing its destination, an extract is
/// `EXPORT_DATA` (`EXPORT_MODEL` for a model) reading its source, a load is `LOAD_DATA` writing
/// its destination; `WRITE_TRUNCATE` adds a `TRUNCATE_TABLE` of the destination (it replaces it).
public enum JobRequest {
    /// The statements of the job configuration in `body` (a JSON `Job`).
    /// - Throws: `BigQueryError.accessDenied` when the job cannot be checked (no known
    ///   configuration, a malformed table reference, an option that changes who can read the result).
    public static func statements(body: [UInt8], project: String) throws(BigQueryError) -> [StatementAnalysis] {
        guard let configuration = (try? JSONNode(parsing: body))?["configuration"]?.object else {
            throw .accessDenied("the job has no configuration the gate can check")
        }
        let unknown = Set(configuration.keys).subtracting(QueryRequest.configurationKeys)
        guard unknown.isEmpty else { throw .accessDenied("the job cannot be checked: unknown option configuration.\(unknown.sorted()[0])") }
        guard Set(configuration.keys).intersection(QueryRequest.jobKinds).count == 1 else {
            throw .accessDenied("the job cannot be checked: its configuration must hold exactly one of query, copy, extract, load")
        }
        func table(_ value: JSONNode?, _ what: String) throws(BigQueryError) -> TableRef {
            guard let value = value?.object, let dataset = value["datasetId"]?.string, let id = value["tableId"]?.string ?? value["modelId"]?.string,
                  !dataset.isEmpty, !id.isEmpty else {
                throw .accessDenied("the job's \(what) must name datasetId and tableId")
            }
            return TableRef(project: value["projectId"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? project, dataset: dataset, table: id)
        }
        func writing(_ kind: String, reads: Set<TableRef>, into options: JSONObject) throws(BigQueryError) -> [StatementAnalysis] {
            if options["destinationEncryptionConfiguration"] != nil {
                throw .accessDenied("destinationEncryptionConfiguration (choosing the key a table is encrypted with) is not supported through the gate")
            }
            if let properties = options["connectionProperties"]?.array,
               let key = properties.map({ $0["key"]?.string ?? "" }).first(where: { !QueryRequest.harmlessConnectionProperties.contains($0) }) {
                throw .accessDenied("connection property \(key) is not supported through the gate")
            }
            let destination = try table(options["destinationTable"], "destinationTable")
            var statements = [StatementAnalysis(kind: kind, reads: reads, writes: [destination])]
            switch options["writeDisposition"]?.string ?? "WRITE_EMPTY" {
            case "WRITE_EMPTY", "WRITE_APPEND": break
            case "WRITE_TRUNCATE", "WRITE_TRUNCATE_DATA": statements.insert(StatementAnalysis(kind: "TRUNCATE_TABLE", writes: [destination]), at: 0)
            case let other: throw .accessDenied("unknown writeDisposition '\(other)'")
            }
            return statements
        }
        if let copy = configuration["copy"]?.object {
            var sources: Set<TableRef> = []
            if let single = copy["sourceTable"] { sources.insert(try table(single, "sourceTable")) }
            for source in copy["sourceTables"]?.array ?? [] { sources.insert(try table(source, "sourceTables")) }
            guard !sources.isEmpty else { throw .accessDenied("a copy job must name its sourceTable") }
            return try writing("COPY_TABLE", reads: sources, into: copy)
        }
        if let extract = configuration["extract"]?.object {
            if let model = extract["sourceModel"] { return [StatementAnalysis(kind: "EXPORT_MODEL", reads: [try table(model, "sourceModel")])] }
            return [StatementAnalysis(kind: "EXPORT_DATA", reads: [try table(extract["sourceTable"], "sourceTable")])]
        }
        if let load = configuration["load"]?.object {
            return try writing("LOAD_DATA", reads: [], into: load)
        }
        throw .accessDenied("the job has no query, copy, extract or load configuration the gate can check")
    }
}
