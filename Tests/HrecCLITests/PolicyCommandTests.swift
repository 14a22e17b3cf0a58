import Foundation
import HrecTestSupport
import Testing

/// `hrec policy check` and `explain` messages: positions once, sorted, with reasons.
@Suite struct PolicyCommandTests {
    let directory = Fixtures.temporaryDirectory("hrec-policy-cli")

    private func policy(_ text: String) throws -> String {
        let url = directory.appendingPathComponent("policy-\(UUID().uuidString.prefix(6)).yaml")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    @Test func aYAMLSyntaxErrorGivesItsPositionOnce() throws {
        let path = try policy("version: 1\ndefault: deny\nrules:\n  - id: a\n    action: allow\n   bad: [\n")
        let result = try HrecBinary.run(["policy", "check", path])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        let line = try #require(lines.first)
        #expect(line.hasPrefix("hrec: \(path):"))
        #expect(line.contains(": not valid YAML: "))
        #expect(line.split(separator: ":").filter { Int($0) != nil }.count == 2, "\(line)")
        #expect(!line.contains("error: "))
    }

    @Test func problemsAreSortedByLineAndADuplicateIdHasAPosition() throws {
        let path = try policy("""
            version: 1
            default: deny
            rules:
              - id: read
                action: allow
              - id: read
                action: deny
                message: no
              - id: other
                action: sometimes
            masking:
              columns:
                - column: ssn
                  style: nope
            """)
        let result = try HrecBinary.run(["policy", "check", path])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { $0.hasPrefix("hrec: \(path):") }, "\(result.stderr)")
        let positions = lines.map { line in
            line.dropFirst("hrec: \(path):".count).split(separator: ":").prefix(2).compactMap { Int($0) }
        }
        #expect(positions.allSatisfy { $0.count == 2 && $0[0] > 0 }, "\(result.stderr)")
        #expect(positions == positions.sorted { ($0[0], $0[1]) < ($1[0], $1[1]) }, "\(result.stderr)")
        let duplicate = try #require(lines.first { $0.contains("rule id 'read' is used twice") })
        #expect(duplicate.hasPrefix("hrec: \(path):6:"), "\(duplicate)")
        #expect(lines.allSatisfy { !$0.hasSuffix(":") })
    }

    @Test(arguments: [
        ("missing.yaml", "No such file or directory"),
        ("/tmp", "Is a directory"),
    ])
    func anUnreadableFileSaysWhy(path: String, reason: String) throws {
        let result = try HrecBinary.run(["policy", "check", path])
        #expect(result.status == 1)
        #expect(result.stderr == "hrec: \(path):1:1: cannot read the file: \(reason)\n")
    }

    @Test func explainSaysWhenALimitAppliesForWantOfAnEstimate() throws {
        let path = try policy("""
            version: 1
            default: allow
            rules:
              - id: huge-scan
                match: {kinds: [SELECT], min_bytes: 1TB}
                action: deny
                message: this query would scan more than 1 TB
            """)
        let unknown = try HrecBinary.run(["policy", "explain", path, "--as", "a@example.com", "--sql", "SELECT * FROM shop.big"])
        #expect(unknown.status == 4)
        let headline = try #require(unknown.stdout.split(separator: "\n").first { $0.hasPrefix("decision:") })
        #expect(headline.contains("no byte estimate available (fail closed"), "\(headline)")
        #expect(!headline.contains("would scan more than 1 TB"))
        let known = try HrecBinary.run(["policy", "explain", path, "--as", "a@example.com", "--sql", "SELECT * FROM shop.big",
                                        "--estimated-bytes", "2TB"])
        #expect(known.status == 4)
        #expect(known.stdout.contains("decision: DENY  rule huge-scan: this query would scan more than 1 TB"))
    }
}
