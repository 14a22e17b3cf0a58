import Foundation
@testable import HrecGate
import HrecJournal
import HrecPolicy
import HrecSQL
import Synchronization
import Testing

/// The gate's decision path on rules with column conditions: schemas fetched through the call
/// (only when a rule needs them), fail closed without one.
@Suite struct PolicyGateColumnTests {
    let customers = [SchemaField(name: "id", type: "INT64"), SchemaField(name: "ssn", type: "STRING")]

    /// Decides `sql` (jobs.query) under `policy`, answering tables.get with `schema`; the decision and the tables asked for.
    func decide(_ policy: String, _ sql: String, schema: [SchemaField]?) async throws -> (GateDecision, [String]) {
        let gate = try PolicyGate(policy: try PolicyParser.parse(policy))
        let endpoint = try #require(BigQueryEndpoint.parse(method: "POST", path: "/bigquery/v2/projects/p/queries"))
        let body = [UInt8](try JSONSerialization.data(withJSONObject: ["query": sql, "useLegacySql": false]))
        let query = try QueryRequest.parse(endpoint: endpoint.name, body: body)
        let asked = Mutex<[String]>([])
        var call = GateCall(identity: Identity(email: "a@example.com", subject: "a", issuer: nil, groups: [], verified: false),
                            endpoint: endpoint, query: query, dryRun: { nil }, body: body)
        call.tableSchema = { table in
            asked.withLock { $0.append(table.description) }
            return schema
        }
        let decision = await gate.decide(call, sink: nil)
        return (decision, asked.withLock { $0 })
    }

    static let noSSN = "default: allow\nrules:\n  - {id: no-ssn, action: deny, message: no ssn, match: {columns: [ssn]}}\n"

    @Test func schemasAreFetchedOnlyForRulesThatNeedThem() async throws {
        let plain = "default: allow\nrules:\n  - {id: r, action: deny, message: m, match: {kinds: [DROP_TABLE]}}\n"
        let (allowed, none) = try await decide(plain, "SELECT ssn FROM shop.customers", schema: customers)
        #expect(allowed == .allow && none.isEmpty)
        let star = "default: allow\nrules:\n  - {id: s, action: review, approvers: [x], match: {star: true}}\n"
        let (held, stillNone) = try await decide(star, "SELECT * FROM shop.customers", schema: customers)
        guard case let .hold(hold) = held else { Issue.record("not held: \(held)"); return }
        #expect(hold.rule.id == "s" && stillNone.isEmpty)
        let (denied, asked) = try await decide(Self.noSSN, "SELECT c.ssn AS x FROM shop.customers c", schema: customers)
        #expect(denied == .deny(message: "rule no-ssn: no ssn", rules: ["no-ssn"]))
        #expect(asked == ["p.shop.customers"])
    }

    @Test func aMissingSchemaFailsClosedAndOtherColumnsPass() async throws {
        let (denied, _) = try await decide(Self.noSSN, "SELECT id FROM shop.customers", schema: nil)
        guard case let .deny(message, rules) = denied else { Issue.record("not denied: \(denied)"); return }
        #expect(rules == ["no-ssn"] && message.contains("could not be resolved") && message.contains("no schema for p.shop.customers"))
        let (allowed, _) = try await decide(Self.noSSN, "SELECT id FROM shop.customers", schema: customers)
        #expect(allowed == .allow)
    }
}
