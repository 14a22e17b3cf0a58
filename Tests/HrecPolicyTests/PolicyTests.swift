import HrecPolicy
import HrecSQL
import HrecTestSupport
import Testing

@Suite struct PolicyTests {
    let policy: Policy

    init() throws {
        policy = try PolicyParser.load(path: Fixtures.url("policies/example.yaml").path)
    }

    func decide(_ sql: String, email: String = "alice@example.com", groups: [String] = [], bytes: UInt64? = 0) throws -> PolicyDecision {
        let analysis = try SQLAnalyzer(defaultProject: "p").analyze(sql)
        return policy.evaluate(PolicyRequest(email: email, subject: "s", groups: groups, statements: analysis.statements, estimatedBytes: bytes))
    }

    @Test(arguments: [
        ("SELECT * FROM shop.customers", Policy.Action.allow, "read-shop"),
        ("DROP TABLE shop.customers", .deny, "no-drop"),
        ("SELECT 1; DROP TABLE shop.customers", .deny, "no-drop"),
        ("DELETE FROM shop.customers WHERE id = 1", .review, "protected-writes"),
        ("DELETE FROM shop.orders WHERE id = 1", .allow, "shop-dml"),
        ("EXPORT DATA OPTIONS (uri = 'gs://x/*') AS SELECT 1", .deny, "no-export"),
        ("EXECUTE IMMEDIATE 'SELECT 1'", .deny, "hrec:unclassified"),
        ("CALL shop.proc()", .deny, "default"),
        ("INSERT INTO hr.people VALUES (1)", .deny, "default"),
    ])
    func examplePolicyDecisions(sql: String, action: Policy.Action, rule: String) throws {
        let decision = try decide(sql)
        #expect(decision.action == action, "\(decision.message)")
        #expect(decision.decidingRules.contains(rule), "\(decision.decidingRules)")
    }

    @Test func byteLimitsUseTheEstimateAndFailClosedWithoutOne() throws {
        #expect(try decide("SELECT * FROM shop.big", bytes: 2_000_000_000_000).action == .deny)
        #expect(try decide("SELECT * FROM shop.big", bytes: 10).action == .allow)
        #expect(try decide("SELECT * FROM shop.big", bytes: nil).action == .deny)
        #expect(try decide("SELECT * FROM shop.big", bytes: 10).maximumBytesBilled == 10_000_000_000)
    }

    @Test func precedenceIsDenyOverReviewOverAllow() throws {
        let text = """
            default: allow
            rules:
              - {id: a, action: allow, match: {kinds: [DELETE]}}
              - {id: r, action: review, approvers: [x], match: {kinds: [DELETE]}}
              - {id: d, action: deny, message: no, match: {kinds: [DELETE], principals: ["*@evil.com"]}}
            """
        let policy = try PolicyParser.parse(text)
        let statements = try SQLAnalyzer(defaultProject: "p").analyze("DELETE FROM d.t WHERE true").statements
        #expect(policy.evaluate(PolicyRequest(email: "a@good.com", subject: "a", groups: [], statements: statements)).action == .review)
        #expect(policy.evaluate(PolicyRequest(email: "m@evil.com", subject: "m", groups: [], statements: statements)).action == .deny)
    }

    @Test(arguments: ["*.shop.*", "p.shop.customers", "*customers"])
    func globsMatchQualifiedNames(pattern: String) {
        #expect(Glob(pattern).matches("p.shop.customers"))
        #expect(!Glob(pattern).matches("p.hr.people"))
    }
}
