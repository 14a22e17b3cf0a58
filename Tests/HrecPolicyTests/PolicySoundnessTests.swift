import HrecPolicy
import HrecSQL
import Testing

/// Issue 14: an allow rule's tables must hold every table a statement touches; a typo in a
/// kind or table glob is an error, not a rule that silently matches nothing.
@Suite struct PolicySoundnessTests {
    static let text = """
        default: deny
        rules:
          - {id: read-shop, action: allow, match: {kinds: [SELECT], reads: ["*.shop.*"]}}
          - {id: copy-shop, action: allow, match: {kinds: [INSERT, CREATE_VIEW], writes: ["*.shop.*"]}}
          - {id: no-secrets, action: deny, message: secret, match: {tables: ["*.vault.secrets"]}}
          - {id: scratch, action: allow, match: {tables: ["*.scratch.*"]}}
        """

    func decide(_ sql: String) throws -> PolicyDecision {
        let policy = try PolicyParser.parse(Self.text)
        let statements = try SQLAnalyzer(defaultProject: "p").analyze(sql).statements
        return policy.evaluate(PolicyRequest(email: "a@x.com", subject: "a", groups: [], statements: statements, estimatedBytes: 0))
    }

    @Test(arguments: [
        // Every table inside the allow rule: allowed.
        ("SELECT * FROM shop.customers c JOIN shop.orders o USING (id)", Policy.Action.allow, "read-shop"),
        ("INSERT INTO shop.copy SELECT * FROM shop.customers", .allow, "copy-shop"),
        ("SELECT * FROM `shop.cust*`", .allow, "read-shop"),
        ("SELECT * FROM scratch.a JOIN scratch.b USING (id)", .allow, "scratch"),
        // One table outside it: the allow rule does not apply (the default denies).
        ("SELECT c.id, s.secret FROM shop.customers c JOIN other.secrets s USING (id)", .deny, "default"),
        ("SELECT c.id FROM shop.customers c, other.secrets s", .deny, "default"),
        ("SELECT * FROM shop.customers WHERE id IN (SELECT id FROM (SELECT id FROM other.secrets))", .deny, "default"),
        ("WITH x AS (SELECT * FROM other.secrets) SELECT * FROM shop.customers JOIN x USING (id)", .deny, "default"),
        ("SELECT * FROM shop.customers, UNNEST((SELECT ARRAY_AGG(secret) FROM other.secrets)) AS s", .deny, "default"),
        ("SELECT * FROM shop.customers JOIN other.INFORMATION_SCHEMA.COLUMNS ON true", .deny, "default"),
        ("SELECT * FROM shop.customers JOIN `region-eu`.INFORMATION_SCHEMA.JOBS ON true", .deny, "default"),
        ("SELECT * FROM `sho*`", .deny, "default"),
        ("SELECT * FROM SHOP.customers", .deny, "default"),
        ("SELECT * FROM shop.customers JOIN EXTERNAL_QUERY('p.us.c', 'SELECT 1') AS x ON true", .deny, "default"),
        ("SELECT * FROM `p.*`", .deny, "default"),
        ("SELECT name FROM shop.customers -- x\rUNION ALL SELECT secret FROM other.secrets", .deny, "default"),
        ("INSERT INTO shop.copy SELECT * FROM other.secrets", .deny, "default"),
        ("CREATE VIEW shop.v AS SELECT * FROM other.secrets", .deny, "default"),
        ("SELECT * FROM scratch.a JOIN shop.customers USING (id)", .deny, "default"),
        // Deny: one table is enough, also through a wildcard that can name it.
        ("SELECT * FROM scratch.a JOIN vault.secrets USING (id)", .deny, "no-secrets"),
        ("SELECT * FROM `vault.sec*`", .deny, "no-secrets"),
        ("SELECT * FROM `vault.*`", .deny, "no-secrets"),
        ("SELECT * FROM VAULT.Secrets", .deny, "no-secrets"),
    ])
    func allowNeedsEveryTableDenyNeedsOne(sql: String, action: Policy.Action, rule: String) throws {
        let decision = try decide(sql)
        #expect(decision.action == action, "\(decision.message)")
        #expect(decision.decidingRules.contains(rule), "\(decision.decidingRules)")
    }

    @Test func theRefusalNamesTheTableOutsideTheRule() throws {
        let decision = try decide("SELECT c.id, s.secret FROM shop.customers c JOIN other.secrets s USING (id)")
        #expect(decision.outside.map(\.rule) == ["read-shop", "scratch"])
        #expect(decision.outside.first?.reason == "reads p.other.secrets, outside *.shop.*")
        #expect(decision.message.contains("rule read-shop does not apply: statement 1 reads p.other.secrets, outside *.shop.*"), "\(decision.message)")
    }

    @Test(arguments: [
        ("kinds: [SELEKT]", 4, 21, "kind 'SELEKT' matches no statement kind (did you mean one of: SELECT)"),
        ("kinds: [SELECT, DROP_TABEL]", 4, 29, "kind 'DROP_TABEL' matches no statement kind"),
        ("kinds: [\"DROP_*\", \"*_TABEL\"]", 4, 31, "kind '*_TABEL' matches no statement kind"),
        ("kinds: LOAD", 4, 20, "kind 'LOAD' matches no statement kind"),
        ("tables: [\"shop.customers\"]", 4, 22, "table glob 'shop.customers' can match no table"),
        ("reads: [customers]", 4, 21, "table glob 'customers' can match no table"),
        ("writes: [\"p.shop\"]", 4, 22, "table glob 'p.shop' can match no table"),
    ])
    func typosAreErrorsWithTheirPosition(match: String, line: Int, column: Int, message: String) {
        let text = "default: allow\nrules:\n  - id: r\n    match: {\(match)}\n    action: deny\n    message: no\n"
        do {
            _ = try PolicyParser.parse(text)
            Issue.record("accepted \(match)")
        } catch {
            let issue = error.issues.first { $0.message.hasPrefix(message) }
            #expect(issue != nil, "\(error)")
            #expect(issue?.line == line && issue?.column == column, "\(error)")
        }
    }

    @Test(arguments: ["SELECT", "DROP_*", "*_TABLE", "LIST_ROWS", "COPY_TABLE", "CREATE_MATERIALIZED_VIEW", "create_view", "?ELECT"])
    func knownKindsAndGlobsOverThemPass(kind: String) throws {
        _ = try PolicyParser.parse("default: deny\nrules:\n  - {id: r, action: allow, match: {kinds: [\"\(kind)\"], tables: [\"*.shop.*\", \"p.d.t\"]}}\n")
    }

    @Test(arguments: ["p.shop.*", "*.shop.customers", "*customers", "p.shop.cu?tomers"])
    func wildcardTablesAreInsideOnlyWhenEveryNameIs(glob: String) {
        #expect(Glob(glob).overlaps(wildcardPrefix: "p.shop.cu"))
        #expect(Glob(glob).covers(wildcardPrefix: "p.shop.cu") == (glob == "p.shop.*"))
    }
}
