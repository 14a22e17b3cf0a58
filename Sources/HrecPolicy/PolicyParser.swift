import Crypto
import Foundation
import Yams

/// Reads a policy file (YAML), collecting every problem with its line and column.
public enum PolicyParser {
    /// Top-level keys. `identity`, `upstream`, `journals` and `journal` belong to the gate configuration in
    /// the same file (see docs/policy.md) and are checked by the gate.
    static let topLevelKeys: Set<String> = ["version", "default", "default_message", "rules", "masking", "network", "identity", "upstream",
                                            "journals", "journal", "confinement", "delivery", "limits"]
    static let ruleKeys: Set<String> = ["id", "description", "match", "action", "message", "maximum_bytes_billed", "approvers", "approvals", "expiry", "notify"]
    static let matchKeys: Set<String> = ["kinds", "tables", "reads", "writes", "principals", "groups", "min_bytes", "columns", "star", "masked"]

    /// Loads and checks `path`.
    /// - Throws: `PolicyError` listing every problem.
    public static func load(path: String) throws(PolicyError) -> Policy {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        guard exists, !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            let reason = !exists ? "No such file or directory" : isDirectory.boolValue ? "Is a directory" : "Permission denied"
            throw PolicyError(path: path, issues: [PolicyIssue(line: 1, column: 1, message: "cannot read the file: \(reason)")])
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// Parses policy text.
    public static func parse(_ text: String, path: String = "<policy>") throws(PolicyError) -> Policy {
        var context = Context()
        let (root, top) = try compose(text, path: path)
        context.checkKeys(top, allowed: topLevelKeys, in: "the policy")
        if let version = top["version"], context.int(version, "version") != 1 {
            context.report(version, "version must be 1")
        }
        var defaultAction = Policy.Action.deny
        if let node = top["default"] { defaultAction = context.action(node) ?? .deny } else {
            context.report(root, "'default' is required: allow, review or deny (what happens when no rule matches)")
        }
        var rules: [Policy.Rule] = []
        if let node = top["rules"] {
            if case let .sequence(sequence) = node {
                var ids: [String: Int] = [:]
                for item in sequence {
                    guard let rule = context.rule(item) else { continue }
                    if let first = ids[rule.id] {
                        context.report(item.mapping?["id"] ?? item, "rule id '\(rule.id)' is used twice (first on line \(first))")
                    } else {
                        ids[rule.id] = item.mark?.line ?? 0
                    }
                    rules.append(rule)
                }
            } else {
                context.report(node, "'rules' must be a list")
            }
        }
        let masking = top["masking"].map { context.masking($0) } ?? MaskingPolicy()
        let network = top["network"].map { context.network($0) } ?? NetworkPolicy()
        context.checkMaskedConditions(top["rules"], masking: masking)
        guard context.issues.isEmpty else {
            throw PolicyError(path: path, issues: context.issues.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        let digest = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
        return Policy(defaultAction: defaultAction, defaultMessage: top["default_message"]?.string, rules: rules, masking: masking, network: network, digest: digest)
    }

    /// The YAML document of a policy file: its root node and top-level mapping.
    static func compose(_ text: String, path: String) throws(PolicyError) -> (Node, Node.Mapping) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw PolicyError(path: path, issues: [Self.issue(from: error)])
        } catch {
            throw PolicyError(path: path, issues: [PolicyIssue(line: 1, column: 1, message: "not YAML: \(error)")])
        }
        guard let root, case let .mapping(top) = root else {
            throw PolicyError(path: path, issues: [PolicyIssue(line: 1, column: 1, message: "the policy must be a mapping with rules")])
        }
        return (root, top)
    }

    static func issue(from error: YamlError) -> PolicyIssue {
        let text = "\(error)"
        // Yams messages carry "line L, column C"; keep them and the message.
        let numbers = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        // Yams puts "L:C: error: " before its message; the issue carries the position once.
        var message = text.split(separator: "\n").first.map(String.init) ?? text
        if let range = message.range(of: "error: ") { message = String(message[range.upperBound...]) }
        return PolicyIssue(line: numbers.first ?? 1, column: numbers.dropFirst().first ?? 1, message: "not valid YAML: " + message)
    }
}
