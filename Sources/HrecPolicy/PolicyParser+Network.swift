import Foundation
import Yams

extension PolicyParser {
    static let networkKeys: Set<String> = ["default", "allow", "deny"]

    /// Reads only the `network` section of the policy file at `path` (the default policy when the
    /// file has none); other sections are not checked. For callers that need no BigQuery rules.
    /// - Throws: `PolicyError` listing every problem in the section, each with line:column.
    public static func loadNetwork(path: String) throws(PolicyError) -> NetworkPolicy {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(path: path, issues: [PolicyIssue(line: 1, column: 1, message: "cannot read the file")])
        }
        return try parseNetwork(String(decoding: data, as: UTF8.self), path: path)
    }

    /// Parses the `network` section of policy text (see `loadNetwork(path:)`).
    public static func parseNetwork(_ text: String, path: String = "<policy>") throws(PolicyError) -> NetworkPolicy {
        let (_, top) = try compose(text, path: path)
        var context = Context()
        let network = top["network"].map { context.network($0) } ?? NetworkPolicy()
        guard context.issues.isEmpty else { throw PolicyError(path: path, issues: context.issues) }
        return network
    }
}

extension PolicyParser.Context {
    /// The `network` section: `default`, `allow`, `deny`.
    mutating func network(_ node: Node) -> NetworkPolicy {
        guard case let .mapping(mapping) = node else { report(node, "'network' must be a mapping with default, allow and deny"); return NetworkPolicy() }
        checkKeys(mapping, allowed: PolicyParser.networkKeys, in: "network")
        var policy = NetworkPolicy()
        if let value = mapping["default"] {
            switch value.string {
            case "allow": policy.defaultAllows = true
            case "deny": policy.defaultAllows = false
            default: report(value, "network default must be allow or deny")
            }
        }
        policy.allow = mapping["allow"].map { hostPatterns($0, "network allow") } ?? []
        policy.deny = mapping["deny"].map { hostPatterns($0, "network deny") } ?? []
        return policy
    }

    private mutating func hostPatterns(_ node: Node, _ what: String) -> [HostPattern] {
        let items: [Node]
        switch node {
        case .scalar: items = [node]
        case let .sequence(sequence): items = Array(sequence)
        default: report(node, "\(what) must be a HOST:PORT string or a list of them"); return []
        }
        return items.compactMap { item -> HostPattern? in
            guard let text = string(item, "each entry of \(what)") else { return nil }
            do throws(PolicyError) {
                return try HostPattern.parse(text)
            } catch {
                report(item, "\(what): \(error.issues.first?.message ?? "not HOST:PORT")")
                return nil
            }
        }
    }
}

extension PolicyParser {
    /// Whether the YAML file at `path` holds policy sections (`default`, `rules`, `masking`,
    /// `network`) besides gate settings, read as YAML (flow style and any indentation alike).
    /// - Throws: `PolicyError` when the file cannot be read or is not YAML: a gate never starts on
    ///   a file it could not read as a policy (it would otherwise allow everything).
    public static func holdsPolicy(path: String) throws(PolicyError) -> Bool {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError(path: path, issues: [PolicyIssue(line: 1, column: 1, message: "cannot read the file")])
        }
        let (_, top) = try compose(String(decoding: data, as: UTF8.self), path: path)
        return top.keys.contains { ["default", "rules", "masking", "network"].contains($0.string ?? "") }
    }
}
