import HrecPolicy
import HrecSQL
import Testing

/// Rules on columns: `columns`, `star` and `masked`, resolved through table schemas, failing
/// closed when a schema is missing, and the all-tables scope of `allow` extended to columns.
@Suite struct ColumnRuleTests {
    static let customers = TableRef(project: "p", dataset: "shop", table: "customers")
    static let orders = TableRef(project: "p", dataset: "shop", table: "orders")
    static let schemas: [TableRef: [SchemaField]] = [
        customers: [SchemaField(name: "id", type: "INT64"), SchemaField(name: "name", type: "STRING"), SchemaField(name: "email", type: "STRING"),
                    SchemaField(name: "ssn", type: "STRING"),
                    SchemaField(name: "address", type: "RECORD", fields: [SchemaField(name: "city", type: "STRING"), SchemaField(name: "zip", type: "STRING")])],
        orders: [SchemaField(name: "id", type: "INT64"), SchemaField(name: "cid", type: "INT64"), SchemaField(name: "total", type: "NUMERIC")],
    ]

    static let denyPolicy = """
        default: allow
        rules:
          - {id: no-ssn, action: deny, message: no ssn, match: {columns: [ssn]}}
          - {id: star, action: review, approvers: [x], match: {tables: ["*.shop.customers"], star: true}}
          - {id: city, action: deny, message: no city, match: {columns: ["shop.customers.address.city"]}}
          - {id: masked, action: deny, message: no masked, match: {masked: true}}
        masking:
          columns:
            - {table: "*.shop.cust*", column: "e*l", style: email_mask}
        """

    func decide(_ text: String, _ sql: String, schemas: [TableRef: [SchemaField]] = Self.schemas) throws -> PolicyDecision {
        let policy = try PolicyParser.parse(text)
        var request = PolicyRequest(email: "a@example.com", subject: "a", groups: [],
                                    statements: try SQLAnalyzer(defaultProject: "p").analyze(sql).statements, estimatedBytes: 0)
        request.schemas = schemas
        return policy.evaluate(request)
    }

    @Test(arguments: [
        ("SELECT id, name FROM shop.customers", Policy.Action.allow, "default"),
        ("SELECT ssn FROM shop.customers", .deny, "no-ssn"),
        ("SELECT c.ssn AS x FROM shop.customers AS c", .deny, "no-ssn"),
        ("WITH t AS (SELECT ssn FROM shop.customers) SELECT COUNT(*) FROM t", .deny, "no-ssn"),
        ("SELECT id FROM shop.customers WHERE SSN = '1'", .deny, "no-ssn"),
        ("SELECT * FROM shop.customers", .deny, "no-ssn"),
        ("SELECT * EXCEPT (ssn, email, address) FROM shop.customers", .review, "star"),
        ("SELECT * FROM shop.orders", .allow, "default"),
        ("SELECT o.*, c.id FROM shop.orders o JOIN shop.customers c ON o.cid = c.id", .allow, "default"),
        ("SELECT address FROM shop.customers", .deny, "city"),
        ("SELECT address.zip FROM shop.customers", .allow, "default"),
        ("SELECT email FROM shop.customers", .deny, "masked"),
        ("SELECT id FROM shop.unknown", .deny, "no-ssn"),
        ("SELECT COUNT(*) FROM shop.unknown", .allow, "default"),
        ("DELETE FROM shop.customers WHERE id = 1", .deny, "no-ssn"),
    ])
    func denyAndReviewOnColumns(sql: String, action: Policy.Action, rule: String) throws {
        let decision = try decide(Self.denyPolicy, sql)
        #expect(decision.action == action, "\(decision.message) \(decision.matches)")
        #expect(decision.decidingRules.contains(rule), "\(decision.decidingRules)")
    }

    @Test func unresolvedColumnsFailClosedAndSayWhy() throws {
        let decision = try decide(Self.denyPolicy, "SELECT id FROM shop.unknown")
        #expect(decision.message.contains("rule no-ssn: the statement's columns could not be resolved, so the rule applies (fail closed)"))
        #expect(decision.message.contains("no schema for p.shop.unknown"))
        let pipe = try decide(Self.denyPolicy, "FROM shop.customers |> SELECT name")
        #expect(pipe.action == .deny && pipe.message.contains("pipe syntax"))
        // Without any schema (hrec policy explain without --schema), reading a column fails closed.
        #expect(try decide(Self.denyPolicy, "SELECT id FROM shop.customers", schemas: [:]).action == .deny)
    }

    @Test func allowScopeCoversEveryColumn() throws {
        let text = """
            default: deny
            rules:
              - {id: contact, action: allow, match: {kinds: [SELECT], reads: ["*.shop.*"], columns: [id, name, "shop.orders.*"]}}
            """
        #expect(try decide(text, "SELECT id, name FROM shop.customers").action == .allow)
        #expect(try decide(text, "SELECT c.name, o.total FROM shop.customers c JOIN shop.orders o ON o.cid = c.id").action == .allow)
        let outside = try decide(text, "SELECT id, email FROM shop.customers")
        #expect(outside.action == .deny)
        #expect(outside.message.contains("rule contact does not apply: statement 1 uses column p.shop.customers.email, outside id, name, shop.orders.*"),
                "\(outside.message)")
        #expect(try decide(text, "SELECT * FROM shop.customers").action == .deny)
        let unknown = try decide(text, "SELECT id FROM shop.unknown")
        #expect(unknown.action == .deny && unknown.message.contains("columns unresolved (fail closed): no schema for p.shop.unknown"), "\(unknown.message)")
    }

    @Test func starFalseAndMaskedFalseAllowOnlyWithout() throws {
        let text = """
            default: deny
            rules:
              - {id: no-star, action: allow, match: {kinds: [SELECT], star: false, masked: false}}
            masking:
              columns:
                - {column: ssn, style: redact}
            """
        #expect(try decide(text, "SELECT id FROM shop.customers").action == .allow)
        #expect(try decide(text, "SELECT * FROM shop.orders").action == .deny)
        #expect(try decide(text, "SELECT ssn FROM shop.customers").action == .deny)
        #expect(try decide(text, "SELECT id FROM shop.unknown").action == .deny)
    }

    @Test func columnConditionsAreCheckedWithTheirPositions() {
        let text = """
            default: allow
            rules:
              - id: a
                action: deny
                message: m
                match:
                  star: maybe
                  columns: ["shop..ssn", 3]
                  masked: true
                  colour: red
            """
        do {
            _ = try PolicyParser.parse(text)
            Issue.record("accepted")
        } catch {
            let messages = error.issues.map(\.description)
            #expect(messages.contains("7:13: star must be true or false"), "\(messages)")
            #expect(messages.contains { $0.hasPrefix("8:17: column glob 'shop..ssn' has an empty name part") }, "\(messages)")
            #expect(messages.contains("9:15: 'masked' needs masking.columns: the masking section masks no column"), "\(messages)")
            #expect(messages.contains { $0.hasPrefix("10:7: unknown key 'colour' in a match") }, "\(messages)")
        }
    }

    @Test func rulesWithoutColumnConditionsNeedNoSchemas() throws {
        let plain = try PolicyParser.parse("default: allow\nrules:\n  - {id: r, action: deny, message: m, match: {kinds: [DROP_TABLE]}}\n")
        #expect(!plain.hasColumnConditions && !plain.needsSchemas)
        let star = try PolicyParser.parse("default: allow\nrules:\n  - {id: r, action: review, approvers: [x], match: {star: true}}\n")
        #expect(star.hasColumnConditions && !star.needsSchemas)
        // Star needs no schema: SELECT * is held even when no schema is known.
        var request = PolicyRequest(email: nil, subject: "s", groups: [], statements: try SQLAnalyzer(defaultProject: "p").analyze("SELECT * FROM t.u").statements)
        request.estimatedBytes = 0
        #expect(star.evaluate(request).action == .review)
    }
}
