import HrecSQL
import Yams

extension PolicyParser {
    /// Collects issues while walking the YAML nodes.
    struct Context {
        var issues: [PolicyIssue] = []

        mutating func report(_ node: Node, _ message: String) {
            issues.append(PolicyIssue(line: node.mark?.line ?? 0, column: node.mark?.column ?? 0, message: message))
        }

        mutating func checkKeys(_ mapping: Node.Mapping, allowed: Set<String>, in place: String) {
            for (key, _) in mapping {
                guard let name = key.string else { report(key, "keys in \(place) must be strings"); continue }
                if !allowed.contains(name) {
                    report(key, "unknown key '\(name)' in \(place) (expected one of: \(allowed.sorted().joined(separator: ", ")))")
                }
            }
        }

        mutating func string(_ node: Node, _ what: String) -> String? {
            guard case .scalar = node, let text = node.string, !text.isEmpty else { report(node, "\(what) must be a non-empty string"); return nil }
            return text
        }

        mutating func int(_ node: Node, _ what: String) -> Int? {
            guard case .scalar = node, let text = node.string, let value = Int(text) else { report(node, "\(what) must be a whole number"); return nil }
            return value
        }

        mutating func strings(_ node: Node, _ what: String) -> [String] {
            if case .scalar = node, let single = node.string { return [single] }
            guard case let .sequence(sequence) = node else { report(node, "\(what) must be a string or a list of strings"); return [] }
            return sequence.compactMap { string($0, "each of \(what)") }
        }

        /// A glob or list of globs, each checked by `check` (a problem is reported at the glob itself).
        mutating func globs(_ node: Node, _ what: String, check: (String) -> String?) -> [String] {
            let items: [Node]
            if case .scalar = node { items = [node] } else if case let .sequence(sequence) = node { items = Array(sequence) } else {
                report(node, "\(what) must be a string or a list of strings")
                return []
            }
            return items.compactMap { item in
                guard let text = string(item, "each of \(what)") else { return nil }
                if let problem = check(text) { report(item, problem) }
                return text
            }
        }

        /// A kind glob that names no statement kind is a typo that would silently disable the rule.
        static func kindProblem(_ glob: String) -> String? {
            let pattern = Glob(glob)
            guard !StatementKind.all.contains(where: { pattern.matches($0) }) else { return nil }
            let close = StatementKind.all.sorted().filter { $0.hasPrefix(String(glob.uppercased().prefix(3))) }.prefix(6)
            return "kind '\(glob)' matches no statement kind" + (close.isEmpty ? " (see docs/policy.md for the list)" : " (did you mean one of: \(close.joined(separator: ", ")))")
        }

        /// Tables are named `project.dataset.table`: a glob that cannot match such a name matches nothing.
        static func tableProblem(_ glob: String) -> String? {
            Glob(glob).canMatchQualifiedTable ? nil
                : "table glob '\(glob)' can match no table: tables are named project.dataset.table (for example '*.\(glob)')"
        }

        /// A column glob with an empty part (`shop..ssn`, `.ssn`) names no column.
        static func columnProblem(_ glob: String) -> String? {
            glob.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
                ? "column glob '\(glob)' has an empty name part: write a column (ssn), a nested field (address.city) or dataset.table.column"
                : nil
        }

        mutating func bool(_ node: Node, _ what: String) -> Bool? {
            guard case .scalar = node, let text = node.string, let value = ["true": true, "false": false][text] else {
                report(node, "\(what) must be true or false")
                return nil
            }
            return value
        }

        /// `masked` over a masking section that masks no column can never hold (or always does): a mistake.
        mutating func checkMaskedConditions(_ rulesNode: Node?, masking: MaskingPolicy) {
            guard masking.columns.isEmpty, case let .sequence(items)? = rulesNode else { return }
            for item in items {
                guard let masked = item.mapping?["match"]?.mapping?["masked"] else { continue }
                report(masked, "'masked' needs masking.columns: the masking section masks no column")
            }
        }

        mutating func bytes(_ node: Node, _ what: String) -> UInt64? {
            guard let text = node.string, let value = ByteSize.parse(text) else {
                report(node, "\(what) must be a size such as 500000, 10GB or 1 TiB")
                return nil
            }
            return value
        }

        mutating func action(_ node: Node) -> Policy.Action? {
            guard let text = node.string, let action = Policy.Action(rawValue: text) else {
                report(node, "action must be allow, review or deny")
                return nil
            }
            return action
        }

        mutating func rule(_ node: Node) -> Policy.Rule? {
            guard case let .mapping(mapping) = node else { report(node, "each rule must be a mapping"); return nil }
            checkKeys(mapping, allowed: PolicyParser.ruleKeys, in: "a rule")
            let id = mapping["id"].flatMap { string($0, "id") }
            if mapping["id"] == nil { report(node, "a rule needs an 'id'") }
            let action = mapping["action"].flatMap { self.action($0) }
            if mapping["action"] == nil { report(node, "rule '\(id ?? "?")' needs an 'action'") }
            // Keep checking the rest of the rule even when id or action is missing: report everything.
            var rule = Policy.Rule(id: id ?? "?", action: action ?? .deny)
            rule.description = mapping["description"]?.string
            rule.message = mapping["message"].flatMap { string($0, "message") }
            if action == .deny && rule.message == nil { report(node, "deny rule '\(rule.id)' needs a 'message' (the agent sees it)") }
            rule.maximumBytesBilled = mapping["maximum_bytes_billed"].flatMap { bytes($0, "maximum_bytes_billed") }
            rule.approvers = mapping["approvers"].map { strings($0, "approvers") } ?? []
            rule.notify = mapping["notify"].flatMap { string($0, "notify") }
            if let approvals = mapping["approvals"] { rule.approvals = int(approvals, "approvals") ?? 1 }
            if let expiry = mapping["expiry"] {
                if let text = expiry.string, let seconds = Self.duration(text) { rule.expirySeconds = seconds } else {
                    report(expiry, "expiry must be a duration such as 15m, 1h or 900s")
                }
            }
            if action == .review && rule.approvers.isEmpty { report(node, "review rule '\(rule.id)' needs 'approvers'") }
            if rule.approvals < 1 { report(node, "approvals must be at least 1") }
            if let matchNode = mapping["match"] {
                guard case let .mapping(match) = matchNode else { report(matchNode, "'match' must be a mapping"); return id == nil || action == nil ? nil : rule }
                checkKeys(match, allowed: PolicyParser.matchKeys, in: "a match")
                rule.kinds = match["kinds"].map { globs($0, "kinds", check: Self.kindProblem) } ?? []
                rule.tables = match["tables"].map { globs($0, "tables", check: Self.tableProblem) } ?? []
                rule.reads = match["reads"].map { globs($0, "reads", check: Self.tableProblem) } ?? []
                rule.writes = match["writes"].map { globs($0, "writes", check: Self.tableProblem) } ?? []
                rule.principals = match["principals"].map { strings($0, "principals") } ?? []
                rule.groups = match["groups"].map { strings($0, "groups") } ?? []
                rule.minBytes = match["min_bytes"].flatMap { bytes($0, "min_bytes") }
                rule.columns = match["columns"].map { globs($0, "columns", check: Self.columnProblem) } ?? []
                rule.star = match["star"].flatMap { bool($0, "star") }
                rule.masked = match["masked"].flatMap { bool($0, "masked") }
            }
            return id == nil || action == nil ? nil : rule
        }

        mutating func masking(_ node: Node) -> MaskingPolicy {
            guard case let .mapping(mapping) = node else { report(node, "'masking' must be a mapping"); return MaskingPolicy() }
            checkKeys(mapping, allowed: ["columns", "detectors", "key_file"], in: "masking")
            var policy = MaskingPolicy(keyFile: mapping["key_file"].flatMap { string($0, "key_file") })
            if let columns = mapping["columns"] {
                guard case let .sequence(list) = columns else { report(columns, "masking columns must be a list"); return policy }
                for item in list {
                    guard case let .mapping(entry) = item else { report(item, "each masked column must be a mapping"); continue }
                    checkKeys(entry, allowed: ["table", "column", "style"], in: "a masked column")
                    guard let column = entry["column"].flatMap({ string($0, "column") }) else {
                        if entry["column"] == nil { report(item, "a masked column needs 'column' (a name or glob)") }
                        continue
                    }
                    guard let style = entry["style"].flatMap({ self.style($0) }) else {
                        if entry["style"] == nil { report(item, "a masked column needs a 'style'") }
                        continue
                    }
                    policy.columns.append(.init(table: entry["table"].flatMap { string($0, "table") }, column: column, style: style))
                }
            }
            if let detectors = mapping["detectors"] {
                guard case let .sequence(list) = detectors else { report(detectors, "masking detectors must be a list"); return policy }
                for item in list {
                    guard case let .mapping(entry) = item else { report(item, "each detector must be a mapping"); continue }
                    checkKeys(entry, allowed: ["detector", "style"], in: "a detector")
                    guard let name = entry["detector"], let detector = name.string.flatMap(Detector.init(rawValue:)) else {
                        report(entry["detector"] ?? item, "detector must be one of: \(Detector.allCases.map(\.rawValue).joined(separator: ", "))")
                        continue
                    }
                    let style = entry["style"].flatMap { self.style($0) } ?? .redact
                    policy.detectors.append(.init(detector: detector, style: style))
                }
            }
            if policy.columns.contains(where: { $0.style == .hmacToken }) || policy.detectors.contains(where: { $0.style == .hmacToken }),
               policy.keyFile == nil {
                report(node, "hmac_token masking needs masking.key_file (the installation key)")
            }
            return policy
        }

        mutating func style(_ node: Node) -> MaskingStyle? {
            guard let text = node.string, let style = MaskingStyle(rawValue: text) else {
                report(node, "style must be one of: \(MaskingStyle.allCases.map(\.rawValue).joined(separator: ", "))")
                return nil
            }
            return style
        }

        static func duration(_ text: String) -> Int? {
            let digits = text.prefix { $0.isNumber }
            guard let value = Int(digits) else { return nil }
            switch text.dropFirst(digits.count) {
            case "", "s": return value
            case "m": return value * 60
            case "h": return value * 3600
            default: return nil
            }
        }
    }
}
