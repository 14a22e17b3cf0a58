import Foundation
import HrecPolicy
import HrecJournal
import Testing
@testable import HrecGate

/// Issue 18: request bodies are read by one strict parser and edited by splicing bytes, never
/// re-serialised; a body two parsers could read differently is refused.
@Suite struct RequestSpliceTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func theCapIsInsertedIntoAJobsQueryBodyAndEveryOtherByteKept() {
        let body = #"{ "query" : "SELECT \"é\" -- \u00e9", "useLegacySql":false,  "maxResults": 1e2 }"#
        let edited = GateResponder.settingMaximumBytesBilled(1_000, in: bytes(body), endpoint: "jobs.query")
        #expect(text(edited) == #"{"maximumBytesBilled":"1000", "query" : "SELECT \"é\" -- \u00e9", "useLegacySql":false,  "maxResults": 1e2 }"#)
    }

    @Test func aCapTheClientSetIsReplacedWhereItStands() {
        let body = #"{"query":"SELECT 1","maximumBytesBilled": "999999999999" ,"useLegacySql":false}"#
        let edited = GateResponder.settingMaximumBytesBilled(5, in: bytes(body), endpoint: "jobs.query")
        #expect(text(edited) == #"{"query":"SELECT 1","maximumBytesBilled": "5" ,"useLegacySql":false}"#)
    }

    @Test func aJobsInsertBodyGetsTheCapInConfigurationQuery() throws {
        let body = #"{"jobReference":{"jobId":"j1"},"configuration":{"query":{"query":"SELECT 1","maximumBytesBilled":"7"},"labels":{}}}"#
        let edited = GateResponder.settingMaximumBytesBilled(42, in: bytes(body), endpoint: "jobs.insert")
        #expect(text(edited) == #"{"jobReference":{"jobId":"j1"},"configuration":{"query":{"query":"SELECT 1","maximumBytesBilled":"42"},"labels":{}}}"#)
        let empty = GateResponder.settingMaximumBytesBilled(42, in: bytes(#"{"configuration":{"query":{}}}"#), endpoint: "jobs.insert")
        #expect(text(empty) == #"{"configuration":{"query":{"maximumBytesBilled":"42"}}}"#)
        #expect(GateResponder.clientJobID(bytes(body)) == "j1")
    }

    @Test(arguments: [
        #"{"query":"SELECT 1","query":"DROP TABLE shop.customers"}"#,
        #"{"query":"SELECT 1","useLegacySql":false,"useLegacySql":true}"#,
        #"{"query":"SELECT 1","defaultDataset":{"datasetId":"a","datasetId":"b"}}"#,
        #"{"query":"SELECT 1"} {"query":"DROP TABLE x"}"#,
        #"{"query":"SELECT 1",}"#,
        #"{"query":"SELECT 1\u0"}"#,
        "{\"query\":\"SELECT \u{01}\"}",
        #"{"query":'SELECT 1'}"#,
        #"["query"]"#,
    ])
    func aBodyTwoParsersCouldReadDifferentlyIsRefused(body: String) {
        #expect(throws: BigQueryError.self) { try QueryRequest.parse(endpoint: "jobs.query", body: bytes(body)) }
    }

    @Test func aDuplicateInsideAJobConfigurationIsRefused() {
        let insert = #"{"configuration":{"query":{"query":"SELECT 1","query":"DELETE FROM s.t WHERE true"}}}"#
        #expect(throws: BigQueryError.self) { try QueryRequest.parse(endpoint: "jobs.insert", body: bytes(insert)) }
        let copy = #"{"configuration":{"copy":{"sourceTable":{"datasetId":"a","tableId":"t"},"destinationTable":{"datasetId":"b","tableId":"t","tableId":"u"}}}}"#
        #expect(throws: BigQueryError.self) { try JobRequest.statements(body: bytes(copy), project: "p") }
    }

    @Test func parametersAreReadAsTheyWere() throws {
        let body = #"{"query":"SELECT @x","useLegacySql":false,"queryParameters":[{"name":"x","parameterValue":{"value":"1"},"n":2.5,"b":true,"z":null}]}"#
        let request = try #require(try QueryRequest.parse(endpoint: "jobs.query", body: bytes(body)))
        #expect(request.parameters == .array([.object(["name": .string("x"), "parameterValue": .object(["value": .string("1")]),
                                                       "n": .number("2.5"), "b": .bool(true), "z": .null])]))
        #expect(request.useLegacySQL == false)
    }

    @Test func numbersAreRecordedExactlyOrNotAtAll() throws {
        func recorded(_ number: String) throws -> String {
            let body = #"{"query":"SELECT 1","useLegacySql":false,"queryParameters":[{"name":"x","n":"# + number + "}]}"
            let request = try #require(try QueryRequest.parse(endpoint: "jobs.query", body: bytes(body)))
            let event = try JournalEvent(type: "t", payload: ["parameters": request.parameters])
            #expect((try JSONSerialization.jsonObject(with: Data(event.json)) as? [String: Any])?["parameters"] != nil)
            let text = String(decoding: event.json, as: UTF8.self)
            let start = try #require(text.range(of: #""n":"#))
            return String(text[start.upperBound...].prefix { $0 != "," && $0 != "}" })
        }
        // A double would record 9007199254740993 as ...992: the record must hold what was sent.
        #expect(try recorded("9007199254740993") == "9007199254740993")
        #expect(try recorded("-12345678901234567890123456789012345678") == "-12345678901234567890123456789012345678")
        #expect(try recorded("2.5") == "2.5")
        #expect(try recorded("0") == "0")
        #expect(try recorded("1e3") == "1000")
        for unrecordable in ["1e999", "123456789012345678901234567890123456789", "1e-200"] {
            #expect(throws: EncodingError.self, "\(unrecordable)") { try recorded(unrecordable) }
        }
    }

    @Test func aHeldQueryRunsAsTheClientsOwnBytes() throws {
        let body = #"{"query":"SELECT \"a\"","useLegacySql":false,"queryParameters":[ {"name":"x"} ],"labels":{"k":"v"},"maxResults":3}"#
        let query = try #require(try QueryRequest.parse(endpoint: "jobs.query", body: bytes(body)))
        let insert = GateResponder.heldJobInsert(project: "p", job: "j\"1", query: query, endpoint: "jobs.query", body: bytes(body),
                                                 object: try JSONNode(parsing: bytes(body)).object)
        #expect(text(insert) == #"{"jobReference":{"projectId":"p","jobId":"j\"1"},"configuration":{"query":{"query":"SELECT \"a\"","#
            + #""useLegacySql":false,"queryParameters":[ {"name":"x"} ],"labels":{"k":"v"}}}}"#)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(insert)) as? [String: Any])
        #expect(((parsed["configuration"] as? [String: Any])?["query"] as? [String: Any])?["query"] as? String == #"SELECT "a""#)
    }
}
