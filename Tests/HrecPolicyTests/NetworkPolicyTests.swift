import HrecPolicy
import Testing

/// The network section: parsing with line:column errors, and decisions on names and resolved addresses.
@Suite struct NetworkPolicyTests {
    static let policyText = """
        default: deny
        network:
          default: allow
          allow: ["pypi.org:443", "*.github.com:443", "127.0.0.1:8443", "localhost:9000", "*:7000", "10.1.2.3:*"]
          deny: ["*.evil.example:*", "[2001:db8::1]:443", "bad.example.com:80"]
        """

    static let policy = try! PolicyParser.parse(policyText).network.addingFixedDenials(["127.0.0.1:9050"])

    struct Case: Sendable, CustomTestStringConvertible {
        var host: String
        var port: Int
        var resolved: String?
        var allowed: Bool
        var rule: String
        var testDescription: String { "\(host):\(port) via \(resolved ?? "-") -> \(allowed ? "allow" : "deny") \(rule)" }
    }

    static let cases: [Case] = [
        // Always denied, whatever the file says.
        Case(host: "169.254.169.254", port: 80, resolved: nil, allowed: false, rule: "hrec:metadata"),
        Case(host: "metadata.google.internal", port: 80, resolved: nil, allowed: false, rule: "hrec:metadata"),
        Case(host: "METADATA.google.internal.", port: 80, resolved: nil, allowed: false, rule: "hrec:metadata"),
        Case(host: "metadata", port: 80, resolved: nil, allowed: false, rule: "hrec:metadata"),
        Case(host: "innocent.example", port: 80, resolved: "169.254.169.254", allowed: false, rule: "hrec:metadata"),
        Case(host: "innocent.example", port: 80, resolved: "::ffff:169.254.169.254", allowed: false, rule: "hrec:metadata"),
        Case(host: "fd00:ec2::254", port: 80, resolved: nil, allowed: false, rule: "hrec:metadata"),
        Case(host: "bigquery.googleapis.com", port: 443, resolved: "142.250.1.1", allowed: false, rule: "hrec:google-api"),
        Case(host: "googleapis.com", port: 443, resolved: nil, allowed: false, rule: "hrec:google-api"),
        Case(host: "oauth2.googleapis.com", port: 443, resolved: nil, allowed: false, rule: "hrec:google-api"),
        Case(host: "accounts.google.com", port: 443, resolved: nil, allowed: false, rule: "hrec:google-api"),
        Case(host: "127.0.0.1", port: 9050, resolved: nil, allowed: false, rule: "hrec:fixed"),
        Case(host: "localhost", port: 9050, resolved: "127.0.0.1", allowed: false, rule: "hrec:fixed"),
        // Explicit entries; deny before allow.
        Case(host: "x.evil.example", port: 443, resolved: "93.184.216.34", allowed: false, rule: "deny *.evil.example:*"),
        Case(host: "2001:db8::1", port: 443, resolved: nil, allowed: false, rule: "deny [2001:db8::1]:443"),
        Case(host: "bad.example.com", port: 80, resolved: "93.184.216.34", allowed: false, rule: "deny bad.example.com:80"),
        Case(host: "bad.example.com", port: 81, resolved: "93.184.216.34", allowed: true, rule: "default"),
        Case(host: "pypi.org", port: 443, resolved: "151.101.0.223", allowed: true, rule: "allow pypi.org:443"),
        Case(host: "api.github.com", port: 443, resolved: "140.82.112.6", allowed: true, rule: "allow *.github.com:443"),
        // Local addresses: denied unless an entry names host and port exactly.
        Case(host: "127.0.0.1", port: 8443, resolved: nil, allowed: true, rule: "allow 127.0.0.1:8443"),
        Case(host: "localhost", port: 9000, resolved: "::1", allowed: true, rule: "allow localhost:9000"),
        Case(host: "127.0.0.1", port: 8444, resolved: nil, allowed: false, rule: "hrec:local-address"),
        Case(host: "127.0.0.1", port: 7000, resolved: nil, allowed: false, rule: "hrec:local-address"),
        Case(host: "10.1.2.3", port: 22, resolved: nil, allowed: false, rule: "hrec:local-address"),
        Case(host: "rebind.example", port: 443, resolved: "127.0.0.1", allowed: false, rule: "hrec:local-address"),
        Case(host: "rebind.example", port: 443, resolved: "192.168.1.10", allowed: false, rule: "hrec:local-address"),
        Case(host: "rebind.example", port: 443, resolved: "0.0.0.0", allowed: false, rule: "hrec:local-address"),
        Case(host: "rebind.example", port: 443, resolved: "fe80::1", allowed: false, rule: "hrec:local-address"),
        Case(host: "rebind.example", port: 443, resolved: "fc00::5", allowed: false, rule: "hrec:local-address"),
        Case(host: "rebind.example", port: 443, resolved: "::", allowed: false, rule: "hrec:local-address"),
        Case(host: "rebind.example", port: 443, resolved: "::ffff:10.0.0.1", allowed: false, rule: "hrec:local-address"),
        Case(host: "rebind.example", port: 443, resolved: "100.100.100.200", allowed: false, rule: "hrec:local-address"),
        // Public addresses fall to the default.
        Case(host: "example.org", port: 443, resolved: "93.184.216.34", allowed: true, rule: "default"),
        Case(host: "example.org", port: 7000, resolved: "93.184.216.34", allowed: true, rule: "allow *:7000"),
    ]

    @Test(arguments: cases) func decides(_ c: Case) throws {
        let resolved = try c.resolved.map { try #require(IPAddress($0)) }
        let decision = Self.policy.decide(host: c.host, port: c.port, resolved: resolved)
        #expect(decision.allowed == c.allowed, "\(decision.reason)")
        #expect(decision.rule == c.rule)
        #expect(!decision.reason.isEmpty)
    }

    @Test func defaultDenyRefusesWhatNoEntryAllows() throws {
        let policy = try PolicyParser.parseNetwork("network:\n  default: deny\n  allow: pypi.org:443\n")
        #expect(!policy.decide(host: "example.org", port: 443, resolved: IPAddress("93.184.216.34")).allowed)
        #expect(policy.decide(host: "pypi.org", port: 443, resolved: IPAddress("151.101.0.223")).allowed)
    }

    @Test func withoutASectionTheDefaultAllowsPublicAndRefusesLocal() throws {
        let policy = try PolicyParser.parseNetwork("default: allow\n")
        #expect(policy == NetworkPolicy())
        #expect(policy.decide(host: "example.org", port: 443, resolved: IPAddress("93.184.216.34")).allowed)
        #expect(!policy.decide(host: "localhost", port: 9050, resolved: IPAddress("127.0.0.1")).allowed)
    }

    struct BadCase: Sendable {
        var yaml: String
        var line: Int
        var column: Int
        var message: String
    }

    static let badCases: [BadCase] = [
        BadCase(yaml: "network:\n  default: maybe\n", line: 2, column: 12, message: "network default must be allow or deny"),
        BadCase(yaml: "network:\n  allow: [\"pypi.org:99999\"]\n", line: 2, column: 11, message: "the port must be 1-65535"),
        BadCase(yaml: "network:\n  deny:\n    - \":443\"\n", line: 3, column: 7, message: "the host is empty"),
        BadCase(yaml: "network:\n  allow: [\"a b:1\"]\n", line: 2, column: 11, message: "the host may hold only"),
        BadCase(yaml: "network:\n  allowed: [x]\n", line: 2, column: 3, message: "unknown key 'allowed' in network"),
        BadCase(yaml: "network: [x]\n", line: 1, column: 10, message: "'network' must be a mapping"),
        BadCase(yaml: "network:\n  allow: {a: 1}\n", line: 2, column: 10, message: "must be a HOST:PORT string or a list"),
    ]

    @Test(arguments: badCases) func reportsErrorsWithLineAndColumn(_ c: BadCase) {
        do {
            _ = try PolicyParser.parseNetwork(c.yaml, path: "p.yaml")
            Issue.record("parsed: \(c.yaml)")
        } catch {
            let issue = error.issues.first
            #expect(issue?.line == c.line && issue?.column == c.column, "\(error.description)")
            #expect(issue?.message.contains(c.message) == true, "\(error.description)")
        }
    }

    @Test func theFullParserReadsTheSectionToo() throws {
        #expect(throws: PolicyError.self) { try PolicyParser.parse("default: allow\nnetwork:\n  default: sometimes\n") }
        let policy = try PolicyParser.parse(Self.policyText)
        #expect(policy.network.allow.count == 6)
        #expect(policy.network.deny.map(\.description) == ["*.evil.example:*", "[2001:db8::1]:443", "bad.example.com:80"])
    }

    @Test(arguments: [("127.0.0.1", "loopback"), ("::1", "loopback"), ("169.254.1.1", "link-local"), ("10.0.0.1", "private"),
                      ("172.31.255.255", "private"), ("172.32.0.1", "global"), ("0.0.0.0", "unspecified"), ("224.0.0.1", "multicast"),
                      ("255.255.255.255", "reserved"), ("64:ff9b::7f00:1", "loopback"), ("2002:7f00:1::", "loopback"),
                      ("2606:4700::1111", "global"), ("8.8.8.8", "global")])
    func classifiesAddresses(_ text: String, _ scope: String) throws {
        #expect(try #require(IPAddress(text)).scope.rawValue == scope)
    }

    @Test func parsesOnlyCanonicalLiterals() {
        #expect(IPAddress("0x7f.1") == nil)
        #expect(IPAddress("2130706433") == nil)
        #expect(IPAddress("[::1]")?.description == "::1")
        #expect(IPAddress("fe80::1%eth0") == nil)
    }
}
