import HrecSQL

extension Policy {
    /// Decides on a request. Statements of unknown or dynamic kind are always denied (fail closed).
    public func evaluate(_ request: PolicyRequest) -> PolicyDecision {
        var matches: [RuleMatch] = []
        var action = Action.allow
        var message = ""
        var cap: UInt64?
        var reviewRule: Rule?
        if request.statements.isEmpty {
            return PolicyDecision(action: .deny, matches: [RuleMatch(rule: "hrec:empty", action: "deny", statement: 0, reason: "no statement")],
                                  message: "the request holds no statement hrec can check", maximumBytesBilled: nil)
        }
        for (index, statement) in request.statements.enumerated() {
            if statement.kind == "UNKNOWN" || statement.kind == "EXECUTE_IMMEDIATE" {
                let reason = statement.kind == "UNKNOWN" ? "the statement could not be classified" : "dynamic SQL cannot be checked before it runs"
                matches.append(RuleMatch(rule: "hrec:unclassified", action: "deny", statement: index, reason: reason))
                if action < .deny || message.isEmpty { message = "hrec cannot check statement \(index + 1) (\(statement.kind)): \(reason)" }
                action = .deny
                continue
            }
            var statementMatches: [(Rule, String)] = []
            for rule in rules {
                if let reason = match(rule, statement: statement, request: request) { statementMatches.append((rule, reason)) }
            }
            if statementMatches.isEmpty {
                matches.append(RuleMatch(rule: "default", action: defaultAction.rawValue, statement: index,
                                         reason: "no rule matched \(statement.kind); the default is \(defaultAction.rawValue)"))
                if defaultAction > action || (defaultAction == action && message.isEmpty && defaultAction != .allow) {
                    message = defaultMessage ?? "no policy rule allows \(statement.kind) (default \(defaultAction.rawValue))"
                }
                action = max(action, defaultAction)
                continue
            }
            for (rule, reason) in statementMatches {
                matches.append(RuleMatch(rule: rule.id, action: rule.action.rawValue, statement: index, reason: reason))
            }
            let strongest = statementMatches.map(\.0.action).max() ?? .allow
            if case let (rule, reason)? = statementMatches.first(where: { $0.0.action == strongest }), strongest > action || (strongest == action && message.isEmpty) {
                // A byte limit applied for want of an estimate says so, not what the rule says of large scans.
                let unestimated = rule.minBytes.map { "no byte estimate available (fail closed; the rule's limit is \($0) bytes)" }
                let why = reason.contains("no byte estimate available") ? unestimated : nil
                switch strongest {
                case .deny: message = "rule \(rule.id): \(why ?? rule.message ?? "denied")"
                case .review:
                    message = "rule \(rule.id) requires approval: \(why ?? rule.message ?? "ask an approver (hrec approvals list)")"
                    reviewRule = rule
                case .allow: break
                }
            }
            action = max(action, strongest)
            for (rule, _) in statementMatches where rule.action == .allow {
                if let limit = rule.maximumBytesBilled { cap = min(cap ?? limit, limit) }
            }
        }
        if action == .allow { message = "allowed" }
        return PolicyDecision(action: action, matches: matches, message: message, maximumBytesBilled: action == .allow ? cap : nil,
                              reviewRule: action == .review ? reviewRule : nil)
    }

    /// Why `rule` matches, or nil when it does not.
    func match(_ rule: Rule, statement: StatementAnalysis, request: PolicyRequest) -> String? {
        var reasons: [String] = []
        if !rule.kinds.isEmpty {
            guard Glob.any(rule.kinds, match: statement.kind) else { return nil }
            reasons.append("kind \(statement.kind)")
        }
        let tables = statement.reads.union(statement.writes).map(\.description).sorted()
        if !rule.tables.isEmpty {
            guard let table = tables.first(where: { Glob.any(rule.tables, match: $0) }) else { return nil }
            reasons.append("touches \(table)")
        }
        if !rule.reads.isEmpty {
            guard let table = statement.reads.map(\.description).sorted().first(where: { Glob.any(rule.reads, match: $0) }) else { return nil }
            reasons.append("reads \(table)")
        }
        if !rule.writes.isEmpty {
            guard let table = statement.writes.map(\.description).sorted().first(where: { Glob.any(rule.writes, match: $0) }) else { return nil }
            reasons.append("writes \(table)")
        }
        if !rule.principals.isEmpty {
            let names = [request.email, request.subject].compactMap { $0 }
            guard let name = names.first(where: { Glob.any(rule.principals, match: $0) }) else { return nil }
            reasons.append("principal \(name)")
        }
        if !rule.groups.isEmpty {
            guard let group = request.groups.first(where: { Glob.any(rule.groups, match: $0) }) else { return nil }
            reasons.append("group \(group)")
        }
        if let minimum = rule.minBytes {
            if request.estimatePending { return nil }
            if let estimate = request.estimatedBytes {
                guard estimate >= minimum else { return nil }
                reasons.append("estimate \(estimate) bytes >= \(minimum)")
            } else {
                // Unknown estimate: a limit that refuses or holds applies (fail closed); one that allows does not.
                guard rule.action != .allow else { return nil }
                reasons.append("no byte estimate available (limit \(minimum))")
            }
        }
        return reasons.isEmpty ? "matches everything" : reasons.joined(separator: ", ")
    }
}
