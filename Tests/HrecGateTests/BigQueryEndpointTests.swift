import Testing
@testable import HrecGate

@Suite struct BigQueryEndpointTests {
    @Test(arguments: [
        ("POST", "/bigquery/v2/projects/p/queries", "jobs.query", nil as String?, nil as String?),
        ("GET", "/bigquery/v2/projects/p/queries/j1", "jobs.getQueryResults", nil, nil),
        ("POST", "/bigquery/v2/projects/p/jobs", "jobs.insert", nil, nil),
        ("GET", "/bigquery/v2/projects/p/jobs", "jobs.list", nil, nil),
        ("GET", "/bigquery/v2/projects/p/jobs/j1", "jobs.get", nil, nil),
        ("POST", "/bigquery/v2/projects/p/jobs/j1/cancel", "jobs.cancel", nil, nil),
        ("GET", "/bigquery/v2/projects/p/datasets", "datasets.list", nil, nil),
        ("POST", "/bigquery/v2/projects/p/datasets", "datasets.insert", nil, nil),
        ("GET", "/bigquery/v2/projects/p/datasets/d", "datasets.get", "d", nil),
        ("PATCH", "/bigquery/v2/projects/p/datasets/d", "datasets.patch", "d", nil),
        ("DELETE", "/bigquery/v2/projects/p/datasets/d", "datasets.delete", "d", nil),
        ("GET", "/bigquery/v2/projects/p/datasets/d/tables", "tables.list", "d", nil),
        ("POST", "/bigquery/v2/projects/p/datasets/d/tables", "tables.insert", "d", nil),
        ("GET", "/bigquery/v2/projects/p/datasets/d/tables/t", "tables.get", "d", "t"),
        ("PATCH", "/bigquery/v2/projects/p/datasets/d/tables/t", "tables.patch", "d", "t"),
        ("DELETE", "/bigquery/v2/projects/p/datasets/d/tables/t", "tables.delete", "d", "t"),
        ("GET", "/bigquery/v2/projects/p/datasets/d/tables/t/data", "tabledata.list", "d", "t"),
        ("POST", "/bigquery/v2/projects/p/datasets/d/tables/t/insertAll", "tabledata.insertAll", "d", "t"),
    ])
    func supportedCallsAreNamed(method: String, path: String, name: String, dataset: String?, table: String?) throws {
        let endpoint = try #require(BigQueryEndpoint.parse(method: method, path: path))
        #expect(endpoint.name == name)
        #expect(endpoint.project == "p")
        #expect(endpoint.dataset == dataset)
        #expect(endpoint.table == table)
    }

    @Test(arguments: [
        ("GET", "/bigquery/v2/projects/p/models"),
        ("POST", "/bigquery/v2/projects/p/datasets/d/routines"),
        ("DELETE", "/bigquery/v2/projects/p/jobs/j1"),
        ("GET", "/bigquery/v2/projects/p/datasets/d/tables/t/iamPolicy"),
        ("POST", "/bigquery/v2/projects/p/datasets/d/tables/t:getIamPolicy"),
        ("GET", "/upload/bigquery/v2/projects/p/jobs"),
        ("GET", "/bigquery/v1/projects/p/datasets"),
        ("GET", "/bigquery/v2/projects/../datasets"),
        ("PUT", "/bigquery/v2/projects/p/queries"),
        ("GET", "/"),
    ])
    func everythingElseIsOutsideTheSurface(method: String, path: String) {
        #expect(BigQueryEndpoint.parse(method: method, path: path) == nil)
    }

    @Test func queryRequestsAreReadFromBothQueryEndpoints() throws {
        let query = try #require(try QueryRequest.parse(endpoint: "jobs.query", body: Array(#"""
            {"query":"SELECT @x","useLegacySql":false,"queryParameters":[{"name":"x","parameterValue":{"value":"1"}}],
             "defaultDataset":{"projectId":"p","datasetId":"shop"}}
            """#.utf8)))
        #expect(query.sql == "SELECT @x")
        #expect(query.defaultDataset == "p.shop")
        #expect(!query.useLegacySQL)
        #expect(query.parameters != nil)
        let insert = try #require(try QueryRequest.parse(endpoint: "jobs.insert", body: Array(#"""
            {"configuration":{"dryRun":true,"query":{"query":"DROP TABLE shop.x","useLegacySql":false}}}
            """#.utf8)))
        #expect(insert.sql == "DROP TABLE shop.x" && insert.dryRun)
        #expect(try QueryRequest.parse(endpoint: "jobs.insert", body: Array(#"{"configuration":{"load":{}}}"#.utf8)) == nil)
        #expect(throws: BigQueryError.self) { try QueryRequest.parse(endpoint: "jobs.query", body: Array("not json".utf8)) }
    }

    @Test func errorsHaveBigQuerysShape() throws {
        let error = BigQueryError.accessDenied("rule no-drop: DROP is not allowed")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(error.body)) as? [String: Any])
        let inner = try #require(object["error"] as? [String: Any])
        #expect(inner["code"] as? Int == 403)
        #expect(inner["status"] as? String == "PERMISSION_DENIED")
        #expect(inner["message"] as? String == "Access Denied: rule no-drop: DROP is not allowed")
        let errors = try #require(inner["errors"] as? [[String: Any]])
        #expect(errors.first?["reason"] as? String == "accessDenied")
    }
}

import Foundation
